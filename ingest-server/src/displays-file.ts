import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DisplayAlarmsSchema, DisplayScreenSchema, HallStreamSchema, type DisplayConfig } from '@tongban/shared';

/**
 * DISPLAYS_FILE: per-display configuration of the wall screens, keyed by display name (the name of its
 * token in DISPLAY_TOKENS). Every field but the name is optional; what is left out takes the default.
 *
 *   { "displays": { "hall-1": { "screens": [{ "kind": "city", "seconds": 60 }, { "kind": "district", "districtCode": "500118", "seconds": 30 }],
 *                               "reloadAt": "04:00", "alarms": { "sound": true, "volume": 0.4 },
 *                               "halls": [{ "name": "永川区政务服务中心", "url": "http://cam-gw/yc/index.m3u8" }], "hallSeconds": 30 } } }
 */
const ScreenEntry = DisplayScreenSchema.extend({ districtCode: z.string().nullable().default(null), seconds: z.number().int().min(5).max(86_400).default(60) });
const DisplayEntry = z
  .object({
    districtCode: z.string().nullable().optional(),
    screens: z.array(ScreenEntry).min(1).optional(),
    reloadAt: z.string().nullable().optional(),
    watchdogSeconds: z.number().int().min(30).max(86_400).optional(),
    alarms: DisplayAlarmsSchema.partial().optional(),
    halls: z.array(HallStreamSchema.strict()).optional(),
    hallSeconds: z.number().int().min(5).max(86_400).optional(),
  })
  .strict();
const DisplaysFile = z.object({ displays: z.record(z.string().min(1), DisplayEntry) }).strict();

export const DEFAULT_DISPLAY: DisplayConfig = {
  name: 'default',
  districtCode: null,
  screens: [{ kind: 'city', districtCode: null, seconds: 60 }],
  reloadAt: '04:00',
  watchdogSeconds: 180,
  alarms: { sound: false, volume: 0.5, quietHours: { from: '22:00', to: '07:00' }, minIntervalSeconds: 60 },
  halls: [],
  hallSeconds: 30,
};

/** The displays of a DISPLAYS_FILE, each complete (defaults filled in); problems as messages. */
export function parseDisplays(raw: unknown): { displays: Map<string, DisplayConfig> } | { problems: string[] } {
  const parsed = DisplaysFile.safeParse(raw);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `DISPLAYS_FILE ${i.path.join('.')}: ${i.message}`) };
  const problems: string[] = [];
  const displays = new Map<string, DisplayConfig>();
  for (const [name, d] of Object.entries(parsed.data.displays)) {
    const config: DisplayConfig = {
      name,
      districtCode: d.districtCode ?? null,
      screens: d.screens ?? DEFAULT_DISPLAY.screens,
      reloadAt: d.reloadAt === undefined ? DEFAULT_DISPLAY.reloadAt : d.reloadAt,
      watchdogSeconds: d.watchdogSeconds ?? DEFAULT_DISPLAY.watchdogSeconds,
      alarms: { ...DEFAULT_DISPLAY.alarms, ...d.alarms },
      halls: d.halls ?? DEFAULT_DISPLAY.halls,
      hallSeconds: d.hallSeconds ?? DEFAULT_DISPLAY.hallSeconds,
    };
    for (const [i, s] of config.screens.entries()) {
      if (s.kind === 'district' && !s.districtCode) problems.push(`DISPLAYS_FILE displays.${name}.screens.${i}: a district screen needs a districtCode`);
      if (s.kind === 'halls' && !config.halls.length) problems.push(`DISPLAYS_FILE displays.${name}.screens.${i}: a halls screen needs halls (name and HLS url)`);
    }
    if (config.reloadAt !== null && !/^([01]\d|2[0-3]):[0-5]\d$/.test(config.reloadAt)) problems.push(`DISPLAYS_FILE displays.${name}.reloadAt: HH:MM or null`);
    displays.set(name, config);
  }
  return problems.length ? { problems } : { displays };
}

/** Reads and checks the file (config.ts calls this at start-up: a bad file stops the server with the reason). */
export function readDisplaysFile(file: string): { displays: Map<string, DisplayConfig> } | { problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { problems: [`DISPLAYS_FILE ${file}: ${(err as Error).message}`] };
  }
  return parseDisplays(raw);
}
