/**
 * Space steps, R resets. Keys typed into a text field are the user's text, not
 * commands. Space is also swallowed on keyup, or a focused button would be
 * clicked too and one key press would count twice.
 */
import { useEffect } from 'react';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  // A focused checkbox (the flip switch) keeps Space for itself.
  return target instanceof HTMLInputElement && !['button', 'range'].includes(target.type);
}

export function useKeyboard(onStep: () => void, onReset: () => void) {
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ' ') {
        e.preventDefault();
        if (!e.repeat) onStep();
      } else if (e.key === 'r' || e.key === 'R') {
        e.preventDefault();
        onReset();
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === ' ' && !isTyping(e.target)) e.preventDefault();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [onStep, onReset]);
}
