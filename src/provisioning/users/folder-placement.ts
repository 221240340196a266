import type { JsonObject } from '../../json/json-value.js';
import { foldText } from '../../storage/fold.js';
import type { ScopedRepositories } from '../../storage/store.js';
import type { EventBuffer } from '../events/event-buffer.js';
import type { ProvisioningRuntime } from '../runtime.js';
import { FOLDER_KINDS, folderValues } from './person-document.js';

/**
 * Keeps a person in the folder of each of their department / division / organization values:
 * creates a folder the first time a value appears, moves the person when the value changes.
 */
export async function placeInFolders(
  rt: ProvisioningRuntime,
  repos: ScopedRepositories,
  userId: string,
  before: JsonObject | undefined,
  after: JsonObject,
  events: EventBuffer,
  nowMs: number,
): Promise<void> {
  const old = before ? folderValues(before) : undefined;
  const next = folderValues(after);
  for (const kind of FOLDER_KINDS) {
    const value = next[kind];
    const previous = old?.[kind];
    if ((value === undefined ? undefined : foldText(value)) === (previous === undefined ? undefined : foldText(previous))) continue;
    const target = value === undefined ? undefined : (await repos.folders.ensure(kind, value, rt.newId(), nowMs)).folder;
    const moved = await repos.folders.place(userId, kind, target?.id ?? null);
    if (moved.left) {
      const left = await repos.folders.findById(moved.left);
      if (left) events.pushMembers('folder.members_removed', { id: left.id, kind, value: left.value }, [userId]);
    }
    if (moved.joined && target) events.pushMembers('folder.members_added', { id: target.id, kind, value: target.value }, [userId]);
  }
}
