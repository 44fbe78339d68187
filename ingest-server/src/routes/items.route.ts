import type { FastifyInstance } from 'fastify';
import { validateServiceItem } from '@tongban/shared';
import type { ItemCatalogue } from '../catalogue/item-catalogue.store.ts';
import type { AuditLog } from '../auth/audit.store.ts';
import { actorOf } from '../auth/principal.ts';
import { AppError } from '../errors.ts';

export function itemsRoutes(app: FastifyInstance, deps: { catalogue: ItemCatalogue; audit: AuditLog }) {
  app.get<{ Querystring: { department?: string; level?: string; crossDistrict?: string } }>('/api/v1/items', async (req) => {
    const { department, level, crossDistrict } = req.query;
    const items = deps.catalogue
      .list()
      .filter((i) => (department === undefined || i.department === department || i.departmentCode === department) && (level === undefined || i.level === level))
      .filter((i) => crossDistrict === undefined || String(i.crossDistrict) === crossDistrict)
      .sort((a, b) => a.itemCode.localeCompare(b.itemCode));
    return { items, total: items.length };
  });

  app.get<{ Params: { itemCode: string } }>('/api/v1/items/:itemCode', async (req) => {
    const item = deps.catalogue.get(req.params.itemCode);
    if (!item) throw new AppError(404, 'not_found', `no item ${req.params.itemCode}`);
    return item;
  });

  app.put<{ Params: { itemCode: string }; Body: unknown }>('/api/v1/items/:itemCode', async (req) => {
    const body = req.body && typeof req.body === 'object' ? { itemCode: req.params.itemCode, ...req.body } : req.body;
    const v = validateServiceItem(body);
    if (!v.ok) throw new AppError(400, 'invalid_item', 'the item is not valid', v.errors);
    if (v.item.itemCode !== req.params.itemCode) throw new AppError(400, 'invalid_item', 'itemCode in the body differs from the path');
    await deps.catalogue.put(v.item, req.source);
    await deps.audit.record({ ...actorOf(req.principal), action: 'catalogue_changed', target: v.item.itemCode, outcome: 'success', ip: req.ip });
    return v.item;
  });
}
