/**
 * A peer's change is drawn in the task that brought it. Slate tells React
 * about a change from its onChange (a microtask after the operations); outside
 * a browser event React renders that update later, in a task of its scheduler
 * (a message posted to itself), and the message task and that one can have
 * others between them: the socket's next frames, timers, a busy machine. A
 * remote keystroke showed in a watching tab 1–2.5 ms after its frame was
 * handled, with the main thread idle in between (a Chrome trace of
 * `bench/propagation.ts`'s second page). So onChange of a remote change runs
 * inside flushSync: React renders and commits it before the task ends, as it
 * does for the user's own typing (a browser event). Local changes are left to
 * React as before.
 */
import type { YjsEditor } from '@slate-yjs/core';
import type { Editor } from 'slate';
import { flushSync } from 'react-dom';

export function withRemoteChangesRenderedAtOnce<T extends Editor & YjsEditor>(editor: T, render: (fn: () => void) => void = flushSync): T {
  const { applyRemoteEvents, onChange } = editor;
  /** A remote change made operations that Slate's next onChange reports. */
  let remote = false;
  editor.applyRemoteEvents = (events, origin) => {
    const before = editor.operations.length;
    applyRemoteEvents(events, origin);
    if (editor.operations.length > before) remote = true;
  };
  editor.onChange = (options) => {
    if (!remote) return onChange(options);
    remote = false;
    render(() => onChange(options));
  };
  return editor;
}
