/**
 * Transaction origins the replica treats specially. A stored caret position
 * (src/editor/stableSelection.ts) is a document update, but not an edit of the
 * user's: it does not count as unsaved work or in the edit timings.
 */
export const SELECTION_STORAGE_ORIGIN = Symbol('concord-selection-storage');
