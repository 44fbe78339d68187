import { z } from 'zod';

/** The screens a wall display can show, in rotation or pinned to one. */
export const SCREEN_KINDS = ['city', 'district', 'ratings', 'supervision', 'halls'] as const;
export type ScreenKind = (typeof SCREEN_KINDS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (Asia/Shanghai)');

export const DisplayScreenSchema = z.object({
  kind: z.enum(SCREEN_KINDS),
  /** The district of a `district` screen; null for the others. */
  districtCode: z.string().nullable(),
  /** How long the screen stays before the next one (seconds). */
  seconds: z.number().int().min(5).max(86_400),
});
export type DisplayScreen = z.infer<typeof DisplayScreenSchema>;

export const DisplayAlarmsSchema = z.object({
  /** Play the bundled alarm sound (off by default: a hall may not want it). */
  sound: z.boolean(),
  volume: z.number().min(0).max(1),
  /** No sound between these times (Asia/Shanghai; `from` after `to` spans midnight); null = never quiet. */
  quietHours: z.object({ from: hhmm, to: hhmm }).nullable(),
  /** At most one alarm (blink and sound) this often; later ones wait in the alarm list. */
  minIntervalSeconds: z.number().int().min(0).max(3_600),
});
export type DisplayAlarms = z.infer<typeof DisplayAlarmsSchema>;

/** One service hall's camera: an HLS stream (`.m3u8`) the wall plays muted; CORS must let the wall's page read it. */
export const HallStreamSchema = z.object({ name: z.string().min(1), url: z.string().min(1) });
export type HallStream = z.infer<typeof HallStreamSchema>;

/** `GET /api/v1/display`: the configuration of the calling wall display (DISPLAYS_FILE, or the default). */
export const DisplayConfigSchema = z.object({
  name: z.string(),
  /** The display's scope: alarms fire only for cases of this district; null = the whole city. */
  districtCode: z.string().nullable(),
  /** One screen = pinned; several rotate in order. */
  screens: z.array(DisplayScreenSchema).min(1),
  /** The daily reload of the page (Asia/Shanghai), when nobody watches; null = never. */
  reloadAt: hhmm.nullable(),
  /** Reload the page when no live message came for this long (seconds). */
  watchdogSeconds: z.number().int().min(30).max(86_400),
  alarms: DisplayAlarmsSchema,
  /** Service halls' video (the `halls` screen), in rotation; empty = none configured. */
  halls: z.array(HallStreamSchema),
  /** How long each hall's video stays before the next (seconds). */
  hallSeconds: z.number().int().min(5).max(86_400),
});
export type DisplayConfig = z.infer<typeof DisplayConfigSchema>;
