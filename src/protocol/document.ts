/**
 * The document schema: which shared types a room's Y.Doc holds. Both the relay
 * (which seeds new documents) and the browser (which binds the editor) use it.
 */

/** `Y.XmlText` root that @slate-yjs/core binds the Slate body to. */
export const CONTENT_ROOT = 'content';
/** `Y.Text` root holding the document title. */
export const TITLE_ROOT = 'title';

/**
 * Root attributes under which @slate-yjs/core stores positions (its
 * STORED_POSITION_PREFIX, not exported): each tab keeps its caret there
 * (src/editor/stableSelection.ts), and the relay's history knows such an
 * update changes nothing a reader sees (server/history/updateAuthor.ts).
 */
export const STORED_POSITION_PREFIX = '__slateYjsStoredPosition_';

/**
 * Block element types of the body (the Slate `type` attribute). Lists are flat:
 * a list line is a top-level `list-item` carrying `listType` and `indent`
 * attributes. `bulleted-list` / `numbered-list` are the containers of the
 * earlier nested model; they remain valid (old documents hold them) but are no
 * longer written, since nesting made every indent a node move.
 */
export const BlockType = {
  paragraph: 'paragraph',
  headingOne: 'heading-one',
  headingTwo: 'heading-two',
  bulletedList: 'bulleted-list',
  numberedList: 'numbered-list',
  listItem: 'list-item',
  blockQuote: 'block-quote',
} as const;
export type BlockType = (typeof BlockType)[keyof typeof BlockType];

/** Values of a `list-item`'s `listType` attribute. */
export const ListType = { bulleted: 'bulleted', numbered: 'numbered' } as const;
export type ListType = (typeof ListType)[keyof typeof ListType];

/** Largest `indent` of a `list-item`; indents are integers from 0 to this. */
export const MAX_LIST_INDENT = 8;

/** Text marks of the body. */
export const MARKS = ['bold', 'italic', 'underline', 'code'] as const;
export type Mark = (typeof MARKS)[number];

/**
 * The body of a new document: one empty paragraph. It is written as the seed
 * (seed.ts) under a fixed Yjs client id, by the relay and by a tab that opens a
 * new document while the relay is unreachable, so every seed produces identical
 * items and two seeds of one room merge into one paragraph instead of two.
 */
export const NEW_DOCUMENT_BODY = [{ type: BlockType.paragraph, children: [{ text: '' }] }];

/**
 * Yjs client id that authors the seed, reserved: the relay closes a socket that
 * writes under it (4409, docs/PROTOCOL.md rule R12). A fixed 32-bit number no
 * one would pick by hand: Yjs and Yrs draw random client ids from 0–2^32-1
 * (Yrs keeps only the low 32 bits of any id), so a larger id cannot work, and
 * small ones (1, 2, 42…) are what tests and examples hard-code. Until this was
 * chosen the seed was authored by client 1, which such a client then shared.
 */
export const SEED_CLIENT_ID = 3_941_053_568;

/** The seed's author in documents created before SEED_CLIENT_ID: in those, client id 1 stays reserved. */
export const LEGACY_SEED_CLIENT_ID = 1;
