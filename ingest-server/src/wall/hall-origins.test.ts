import { describe, expect, it } from 'vitest';
import { DEFAULT_DISPLAY } from '../displays-file.ts';
import { hallStreamOrigins } from './hall-origins.ts';

describe('hall stream origins for the page’s Content-Security-Policy', () => {
  it('names each camera gateway once, and nothing for streams on the wall’s own origin', () => {
    const d = (urls: string[]) => ({ ...DEFAULT_DISPLAY, halls: urls.map((url, i) => ({ name: `h${i}`, url })) });
    expect(
      hallStreamOrigins([
        d(['http://10.1.2.3:8080/yc/index.m3u8', '/halls/wz/index.m3u8']),
        d(['http://10.1.2.3:8080/wz/index.m3u8', 'https://cam.example.gov.cn/a.m3u8', 'javascript:alert(1)']),
        DEFAULT_DISPLAY,
      ]),
    ).toEqual(['http://10.1.2.3:8080', 'https://cam.example.gov.cn']);
  });
});
