import { z } from 'zod';

/** A signed-in person as `POST/GET /api/v1/session` answer it. */
export const SessionUserSchema = z.object({
  username: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'supervisor', 'analyst', 'viewer']),
  /** The district the person is confined to, or null for the whole city. */
  districtCode: z.string().nullable(),
});
export type SessionUser = z.infer<typeof SessionUserSchema>;

export const SessionAnswerSchema = z.object({ user: SessionUserSchema });
export type SessionAnswer = z.infer<typeof SessionAnswerSchema>;
