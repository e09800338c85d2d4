// Moved to src/collab/studentChannel.ts (the replica's side of the classroom
// protocol, which src/collab attaches to every provider). This re-export keeps
// in-flight code compiling; import from src/collab/studentChannel.ts.
export { attachClassroomChannel, studentId, useClassroomNotice } from '../collab/studentChannel';
