/**
 * A seeded, simulator-like stream of case events for the browser tests and the benchmark: new submissions
 * across Chongqing (weighted to busy districts), then each case moves on — 受理, 审核, 办结, 好差评 — and a few
 * are submitted in another district than the one handling them (全渝通办). Same seed, same stream.
 */
import { townshipsOf, villagesOf } from '@tongban/reference/admin-tree';
import { catalogue } from '@tongban/reference/catalogue';
import { DISTRICTS } from '@tongban/shared';

export interface TrafficEvent {
  eventId: string;
  caseId: string;
  type: string;
  occurredAt: string;
  districtCode: string;
  level: string;
  itemCode?: string;
  channel?: string;
  townshipCode?: string;
  villageCode?: string;
  departmentCode?: string;
  actorId?: string;
  applicant?: { type: 'person' | 'enterprise'; name?: string; idNumber?: string; phone?: string };
  rating?: number;
  visits?: number;
  note?: string;
}

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ISO 8601 with +08:00 for an instant. */
export function shanghaiIso(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 23) + '+08:00';
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';
const COUNTIES = DISTRICTS.filter((d) => d.kind !== 'zone').map((d) => d.code);
const STEPS = ['accepted', 'reviewed', 'completed', 'rated'] as const;

interface OpenCase {
  caseId: string;
  districtCode: string;
  itemCode: string;
  level: string;
  departmentCode: string;
  step: number;
}

export class CaseTraffic {
  private readonly random: () => number;
  private readonly open: OpenCase[] = [];
  private caseNo = 0;
  /** Real (unmasked) personal data sent, to prove the page never shows it. */
  readonly personalData: string[] = [];

  constructor(
    seed: number,
    private readonly prefix: string,
  ) {
    this.random = seededRandom(seed);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)]!;
  }

  private person() {
    const name = this.pick([...SURNAMES]) + this.pick([...GIVEN]) + (this.random() < 0.6 ? this.pick([...GIVEN]) : '');
    const birth = `19${60 + Math.floor(this.random() * 40)}0${1 + Math.floor(this.random() * 9)}1${Math.floor(this.random() * 9)}`;
    const idNumber = `500118${birth}${String(Math.floor(this.random() * 9000) + 1000)}`;
    const phone = `13${Math.floor(this.random() * 10)}${String(Math.floor(this.random() * 1e8)).padStart(8, '0')}`;
    if (this.personalData.length < 200) this.personalData.push(name, idNumber, phone);
    return { type: 'person' as const, name, idNumber, phone };
  }

  /** One new case's submission at `now`. */
  submission(now: number): TrafficEvent {
    const districtCode = this.pick(COUNTIES);
    const item = this.pick(catalogue);
    const caseId = `${this.prefix}-${++this.caseNo}`;
    // One in twelve is applied for away from home (全渝通办): the note names the applicant's home district,
    // as the simulator writes it, or the township where it was handed in lies in another district.
    const away = this.random() < 1 / 12 ? this.pick(COUNTIES.filter((c) => c !== districtCode)) : undefined;
    const byNote = away !== undefined && this.random() < 0.5;
    const township = this.pick(townshipsOf(away && !byNote ? away : districtCode));
    const village = township && this.random() < 0.5 ? this.pick(villagesOf(township.code)) : undefined;
    const level = item.level ?? 'district';
    this.open.push({ caseId, districtCode, itemCode: item.itemCode, level, departmentCode: item.departmentCode ?? 'DEPT', step: 0 });
    return {
      eventId: `${caseId}.0`,
      caseId,
      type: 'submitted',
      occurredAt: shanghaiIso(now),
      districtCode,
      level,
      itemCode: item.itemCode,
      channel: this.pick(item.channels),
      ...(township ? { townshipCode: township.code } : {}),
      ...(village ? { villageCode: village.code } : {}),
      applicant: this.person(),
      ...(byNote ? { note: `全渝通办：申请人属地${DISTRICTS.find((d) => d.code === away)!.name}，异地申办` } : {}),
    };
  }

  /** The next step of an open case, or a submission when none is open. */
  progress(now: number): TrafficEvent {
    if (!this.open.length) return this.submission(now);
    const i = Math.floor(this.random() * this.open.length);
    const c = this.open[i]!;
    const type = STEPS[c.step]!;
    c.step++;
    if (c.step >= STEPS.length) this.open.splice(i, 1);
    return {
      eventId: `${c.caseId}.${c.step}`,
      caseId: c.caseId,
      type,
      occurredAt: shanghaiIso(now),
      districtCode: c.districtCode,
      level: c.level,
      departmentCode: c.departmentCode,
      actorId: `staff-${c.districtCode}-${Math.floor(this.random() * 50)}`,
      ...(type === 'rated' ? { rating: this.random() < 0.9 ? 5 - Math.floor(this.random() * 2) : 1 + Math.floor(this.random() * 3) } : {}),
      ...(type === 'completed' ? { visits: Math.floor(this.random() * 2) } : {}),
    };
  }

  /** `n` events at `now`: about one in three a new submission, the rest steps of open cases. */
  batch(n: number, now: number): TrafficEvent[] {
    return Array.from({ length: n }, () => (this.random() < 0.34 || this.open.length > 5000 ? this.submission(now) : this.progress(now)));
  }
}
