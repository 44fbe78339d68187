import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildAdminTree } from '../scripts/build/admin-tree.build.ts';
import { compactJson } from '../scripts/build/build-utils.ts';
import { buildCatalogue } from '../scripts/build/catalogue.build.ts';
import { buildDistrictGeo } from '../scripts/build/geo.build.ts';

const committed = (name: string) => readFileSync(new URL(`../data/${name}`, import.meta.url), 'utf8');

describe('the committed reference data', () => {
  it('is exactly what `pnpm --filter @tongban/reference build` produces', () => {
    const tree = buildAdminTree();
    expect(compactJson({ ...tree })).toBe(committed('admin-tree.json'));
    expect(compactJson(buildDistrictGeo(tree).collection)).toBe(committed('chongqing-districts.geo.json'));
    expect(compactJson({ ...buildCatalogue() })).toBe(committed('catalogue.json'));
  });
});
