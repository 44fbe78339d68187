/** The wall's chart palette and type, shared by every option builder. */
export const CHART_FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';
export const TEXT = '#b8c7e0';
export const TEXT_BRIGHT = '#e8f1ff';
export const GRID_LINE = 'rgba(120, 160, 220, 0.15)';
export const AXIS_LINE = 'rgba(120, 160, 220, 0.35)';
export const CYAN = '#3ad0ff';
export const GOLD = '#ffcc5c';
export const RED = '#ff4d5a';
export const GREEN = '#3ddc97';
export const AMBER = '#e8a33c';
export const VIOLET = '#b388ff';
export const MUTED = '#6b7fa3';

export const TOOLTIP = {
  backgroundColor: 'rgba(8, 20, 42, 0.92)',
  borderColor: 'rgba(58, 208, 255, 0.5)',
  textStyle: { color: TEXT_BRIGHT, fontFamily: CHART_FONT, fontSize: 13 },
};
