/** What another node holds for an eventId this node wanted: same content or not, and whether its write became durable. */
export interface HeldElsewhere {
  sameContent: boolean;
  /** true once the holder's write is durable; false if it gave up (its append failed) or its reservation lapsed. */
  durable: Promise<boolean>;
}

/**
 * Shared "this eventId is being written" marks, so the same event posted to two nodes at once is stored
 * once. The ingest service reserves every event it found new locally; an id another node holds comes back
 * as `HeldElsewhere`. ClickHouse stays the authority for what is stored; this covers the moments before.
 */
export interface InflightReservations {
  /** Reserves these ids for this node; answers, per entry, null (reserved here) or what another node holds. */
  reserve(entries: ReadonlyArray<{ id: string; content: string }>): Promise<Array<HeldElsewhere | null>>;
  /** After the append: `ok` marks this node's reservations durable, otherwise gives them up. */
  settle(ids: readonly string[], ok: boolean): Promise<void>;
  /** These ids are in ClickHouse now: their marks may lapse soon (every node's filter learns them). */
  stored(ids: readonly string[], keys: readonly number[]): Promise<void>;
  /** Whether the local Bloom filter knows every stored event of the cluster (a miss then means "certainly new"). */
  readonly bloomComplete: boolean;
  /** Keys of events another node stored, for the local Bloom filter. */
  onPeerStored(visit: (keys: number[]) => void): void;
  close(): Promise<void>;
}

/** One node: nothing is shared, every locally new id is this node's (today's behaviour). */
export const singleNodeReservations: InflightReservations = {
  reserve: async (entries) => entries.map(() => null),
  settle: async () => {},
  stored: async () => {},
  bloomComplete: true,
  onPeerStored: () => {},
  close: async () => {},
};
