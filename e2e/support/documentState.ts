// Moved to the concurrency kit (testing/documentState.ts); kept for specs and benches that import it from here.
export { plainText, readDocument, type BlockState, type TextRun } from '../../testing/documentState';
