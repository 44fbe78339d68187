import type { Logger } from 'pino';
import type { CalendarHolder } from '../calendar/calendar-holder.ts';
import type { ItemCatalogue } from '../catalogue/item-catalogue.store.ts';
import type { ClusterBus } from './cluster.ts';

/**
 * Settings an admin changes on one node that every node holds in memory: an item's limits (the catalogue)
 * and the working-day calendar. The node that took the change tells the others; they read the item anew
 * from ClickHouse, or install the calendar they were sent, and their listeners react as on the first node
 * (the engine's holder recomputes the open deadlines). A change that came from a peer is not sent back.
 */
export function syncPeers(d: { bus: ClusterBus; catalogue: ItemCatalogue; calendar: CalendarHolder; logger: Logger }): void {
  const fromPeer = { item: new Set<string>(), calendar: false };
  d.catalogue.onChange((item) => {
    if (!fromPeer.item.has(item.itemCode)) d.bus.publish('item', { itemCode: item.itemCode });
  });
  d.bus.subscribe('item', (m) => {
    const { itemCode } = m as { itemCode: string };
    fromPeer.item.add(itemCode);
    void d.catalogue
      .reloadItem(itemCode)
      .catch((err: unknown) => d.logger.warn({ err, itemCode }, 'reading an item another node changed failed'))
      .finally(() => fromPeer.item.delete(itemCode));
  });
  d.calendar.onChange(() => {
    if (!fromPeer.calendar) d.bus.publish('calendar', d.calendar.data);
  });
  d.bus.subscribe('calendar', (data) => {
    fromPeer.calendar = true;
    void d.calendar
      .replace(data)
      .catch((err: unknown) => d.logger.warn({ err }, 'installing the calendar another node received failed'))
      .finally(() => (fromPeer.calendar = false));
  });
}
