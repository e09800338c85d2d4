/**
 * Keeps React from walking the whole document on every render.
 *
 * Before each commit, while focus is inside a `contenteditable`, React DOM
 * records the selection as character offsets from the start of the focused
 * element, so it can put the selection back if the commit moves focus. For a
 * contenteditable it computes them by walking every DOM node of that element
 * (ReactDOMSelection; react#9992: "when the focus is inside a contenteditable,
 * apparently we are" doing this for every commit). With the editor focused,
 * *any* React update on the page (a status badge, a remote caret) therefore
 * costs time linear in the document: about 10 ms per commit at 10,000
 * paragraphs here, several commits per keystroke.
 *
 * React decides with `element.contentEditable === "true"`. Slate does not need
 * React's restore (it puts the DOM selection back itself after every render,
 * from `editor.selection`), so the editor's root element answers that property
 * with `"inherit"` instead; editing is unaffected because the browser and
 * Slate go by the `contenteditable` attribute and `isContentEditable`, which
 * stay as they are.
 */
export function skipReactSelectionWalk(editable: HTMLElement): () => void {
  Object.defineProperty(editable, 'contentEditable', {
    configurable: true,
    get: () => 'inherit',
    set: (value: string) => editable.setAttribute('contenteditable', String(value)),
  });
  return () => {
    delete (editable as { contentEditable?: string }).contentEditable; // back to HTMLElement.prototype's
  };
}
