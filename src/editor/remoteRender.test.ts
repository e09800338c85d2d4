/**
 * A peer's change reaches React inside `render` (flushSync in the page), so it
 * is drawn in the task that brought it; the user's own changes are not
 * wrapped (React renders those with the browser event that made them).
 */
import { slateNodesToInsertDelta, withYjs, YjsEditor } from '@slate-yjs/core';
import { createEditor, Transforms, type Descendant } from 'slate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { withRemoteChangesRenderedAtOnce } from './remoteRender';

function twoTabs() {
  const writer = new Y.Doc();
  writer.get('content', Y.XmlText).applyDelta(slateNodesToInsertDelta([{ type: 'paragraph', children: [{ text: 'hello' }] } as Descendant]));
  const reader = new Y.Doc();
  Y.applyUpdate(reader, Y.encodeStateAsUpdate(writer));
  writer.on('update', (update: Uint8Array) => Y.applyUpdate(reader, update, 'relay'));
  /** Every onChange of the reader's editor, and whether it ran inside `render`. */
  const changes: Array<'in render' | 'outside'> = [];
  let rendering = false;
  const base = withYjs(createEditor(), reader.get('content', Y.XmlText));
  const { onChange } = base;
  base.onChange = (options) => {
    changes.push(rendering ? 'in render' : 'outside');
    onChange(options);
  };
  const editor = withRemoteChangesRenderedAtOnce(base, (fn) => {
    rendering = true;
    try {
      fn();
    } finally {
      rendering = false;
    }
  });
  YjsEditor.connect(editor);
  changes.length = 0;
  const paragraph = (writer.get('content', Y.XmlText).toDelta()[0] as { insert: Y.XmlText }).insert;
  /** Slate calls onChange in a microtask after operations. */
  const settle = () => new Promise((resolve) => setTimeout(resolve));
  return { writer, editor, paragraph, changes, settle };
}

describe('withRemoteChangesRenderedAtOnce', () => {
  it('R-RENDER1: a peer\'s keystroke reaches onChange inside render; the user\'s own typing does not', async () => {
    const { editor, paragraph, changes, settle } = twoTabs();
    paragraph.insert(5, '!');
    await settle();
    expect(changes).toEqual(['in render']); // without it: 'outside' (React renders it in a later task)
    Transforms.insertText(editor, 'x', { at: { path: [0, 0], offset: 0 } });
    await settle();
    expect(changes).toEqual(['in render', 'outside']);
    expect(editor.children).toEqual([{ type: 'paragraph', children: [{ text: 'xhello!' }] }]);
  });

  it('R-RENDER1: a remote change that makes no Slate operation (a peer\'s stored caret) leaves the next local change alone', async () => {
    const { writer, editor, changes, settle } = twoTabs();
    writer.get('content', Y.XmlText).setAttribute('selection-peer-anchor', new Uint8Array([1, 2, 3]) as never);
    await settle();
    expect(changes).toEqual([]);
    Transforms.insertText(editor, 'x', { at: { path: [0, 0], offset: 0 } });
    await settle();
    expect(changes).toEqual(['outside']);
  });
});
