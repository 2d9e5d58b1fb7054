/**
 * Which media worker owns which leg, room, recording and playback, so every
 * command after a create goes to the worker holding the object. A "group"
 * (a room id) pins legs and their room to one worker: the first leg or room
 * of a group picks the worker, later ones follow it while any member lives.
 */

interface LegOwner {
  readonly worker: number;
  readonly group: string | null;
}

interface GroupOwner {
  readonly worker: number;
  members: number;
}

/** Everything a worker owned, returned when the worker is dropped after a crash. */
export interface OwnedObjects {
  readonly legs: string[];
  readonly rooms: string[];
  readonly recordings: string[];
  readonly playbacks: string[];
}

export class Ownership {
  readonly #legs = new Map<string, LegOwner>();
  readonly #rooms = new Map<string, number>();
  readonly #groups = new Map<string, GroupOwner>();
  readonly #recordings = new Map<string, number>();
  readonly #playbacks = new Map<string, number>();
  /** Legs per worker index (creates in flight included), for least-loaded placement. */
  readonly #legCounts = new Map<number, number>();

  legWorker(legId: string): number | undefined {
    return this.#legs.get(legId)?.worker;
  }

  roomWorker(roomId: string): number | undefined {
    return this.#rooms.get(roomId);
  }

  groupWorker(group: string): number | undefined {
    return this.#groups.get(group)?.worker;
  }

  recordingWorker(recordingId: string): number | undefined {
    return this.#recordings.get(recordingId);
  }

  playbackWorker(playbackId: string): number | undefined {
    return this.#playbacks.get(playbackId);
  }

  legCount(worker: number): number {
    return this.#legCounts.get(worker) ?? 0;
  }

  roomCount(worker: number): number {
    let rooms = 0;
    for (const owner of this.#rooms.values()) if (owner === worker) rooms++;
    return rooms;
  }

  get legs(): number {
    return this.#legs.size;
  }

  get rooms(): number {
    return this.#rooms.size;
  }

  addLeg(legId: string, worker: number, group: string | null): void {
    if (this.#legs.has(legId)) return;
    this.#legs.set(legId, { worker, group });
    this.#legCounts.set(worker, this.legCount(worker) + 1);
    if (group !== null) this.#joinGroup(group, worker);
  }

  removeLeg(legId: string): void {
    const owner = this.#legs.get(legId);
    if (owner === undefined) return;
    this.#legs.delete(legId);
    this.#legCounts.set(owner.worker, Math.max(0, this.legCount(owner.worker) - 1));
    if (owner.group !== null) this.#leaveGroup(owner.group);
  }

  addRoom(roomId: string, worker: number): void {
    if (this.#rooms.has(roomId)) return;
    this.#rooms.set(roomId, worker);
    this.#joinGroup(roomId, worker);
  }

  removeRoom(roomId: string): void {
    if (!this.#rooms.delete(roomId)) return;
    this.#leaveGroup(roomId);
  }

  addRecording(recordingId: string, worker: number): void {
    if (!this.#recordings.has(recordingId)) this.#recordings.set(recordingId, worker);
  }

  removeRecording(recordingId: string): void {
    this.#recordings.delete(recordingId);
  }

  addPlayback(playbackId: string, worker: number): void {
    if (!this.#playbacks.has(playbackId)) this.#playbacks.set(playbackId, worker);
  }

  removePlayback(playbackId: string): void {
    this.#playbacks.delete(playbackId);
  }

  /** Forgets everything `worker` owned and returns it (the worker died). */
  dropWorker(worker: number): OwnedObjects {
    const owned: OwnedObjects = { legs: [], rooms: [], recordings: [], playbacks: [] };
    for (const [legId, owner] of this.#legs) if (owner.worker === worker) owned.legs.push(legId);
    for (const [roomId, owner] of this.#rooms) if (owner === worker) owned.rooms.push(roomId);
    for (const [id, owner] of this.#recordings) if (owner === worker) owned.recordings.push(id);
    for (const [id, owner] of this.#playbacks) if (owner === worker) owned.playbacks.push(id);
    for (const legId of owned.legs) this.removeLeg(legId);
    for (const roomId of owned.rooms) this.removeRoom(roomId);
    for (const id of owned.recordings) this.#recordings.delete(id);
    for (const id of owned.playbacks) this.#playbacks.delete(id);
    return owned;
  }

  #joinGroup(group: string, worker: number): void {
    const owner = this.#groups.get(group);
    if (owner === undefined) this.#groups.set(group, { worker, members: 1 });
    else owner.members++;
  }

  #leaveGroup(group: string): void {
    const owner = this.#groups.get(group);
    if (owner === undefined) return;
    owner.members--;
    if (owner.members <= 0) this.#groups.delete(group);
  }
}
