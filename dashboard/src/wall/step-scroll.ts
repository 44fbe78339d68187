/**
 * The red list's scroll: one row up every few seconds with a short glide, then still. A continuous CSS
 * scroll would have the compositor redraw the screen 60 times a second for as long as the wall runs; on a
 * machine without a GPU that is half a core, all day. The list is rendered twice, so after the last row the
 * view jumps (without a glide) from the copy's first row back to the original's, which looks the same.
 */
export interface ScrollState {
  /** Rows scrolled past. */
  offset: number;
  /** Whether the move to `offset` glides (false for the invisible jump back). */
  glide: boolean;
}

export const SCROLL_START: ScrollState = { offset: 0, glide: false };

/** Pure: the next position for a list of `count` rows (rendered twice). */
export function nextScroll(state: ScrollState, count: number): ScrollState {
  if (count <= 0) return SCROLL_START;
  if (state.offset >= count) return { offset: 1, glide: true };
  return { offset: state.offset + 1, glide: true };
}

/** Pure: after the glide onto the copy's first row, the same picture at the original's first row. */
export function settleScroll(state: ScrollState, count: number): ScrollState {
  return state.offset >= count ? SCROLL_START : state;
}
