/**
 * The few writes a tenant restore needs beyond the ordinary repositories (`roster import`): folder
 * memberships as one set, and the outbox position carried over from the exported database.
 */
export interface PortabilityRepository {
  /** Puts these people in a folder in one statement (the folder and the people exist). */
  addFolderMembers(folderId: string, userIds: readonly string[]): Promise<void>;
  /**
   * Sets the tenant's last event number, so the next event continues from the exported cursor.
   * Only used on a tenant with no events yet.
   */
  restoreEventCursor(lastSeq: number): Promise<void>;
}
