/**
 * The classrooms this browser created, with their teacher console links, so a
 * teacher who closes the console finds it again on the start page (the
 * teacher key exists nowhere else).
 */
const STORAGE_KEY = 'concord.classrooms';
const MAX_CLASSROOMS = 12;

export interface MyClassroom {
  room: string;
  /** Path of the teacher console, with the teacher key. */
  teacherUrl: string;
  createdAt: number;
}

export function loadClassrooms(storage: Storage = localStorage): MyClassroom[] {
  try {
    const list = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(list)
      ? list.filter((c): c is MyClassroom => typeof c?.room === 'string' && typeof c?.teacherUrl === 'string' && c.teacherUrl.startsWith('/teach/'))
      : [];
  } catch {
    return [];
  }
}

export function rememberClassroom(classroom: MyClassroom, storage: Storage = localStorage): void {
  const list = [classroom, ...loadClassrooms(storage).filter((c) => c.room !== classroom.room)].slice(0, MAX_CLASSROOMS);
  storage.setItem(STORAGE_KEY, JSON.stringify(list));
}
