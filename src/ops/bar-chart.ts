// A bar chart of one currency's amounts per day, as inline SVG: no script, no external request.
// Each bar carries its day, currency and amount in data attributes, has a tooltip, and is labelled
// with its value; the chart as a whole is an image with a title and a text summary for screen readers.
import { html, type SafeHtml } from './html.js';
import { formatAmount } from '../money/money.js';

/** One currency's series. */
export interface BarChartInput {
  /** Unique on the page: prefixes the ids of the title and description. */
  id: string;
  /** Which chart this is, for data-chart (e.g. `still-held`). */
  chart: string;
  title: string;
  currency: string;
  /** ISO days, one per bar. */
  days: string[];
  /** Minor units per day. */
  amounts: number[];
  counts: number[];
  /** Bar colour. */
  color: string;
}

const PLOT_HEIGHT = 110;
const BOTTOM = 26;
const SIDE = 10;

/** The chart as an SVG element. */
export function barChart(input: BarChartInput): SafeHtml {
  const n = input.days.length;
  const slot = n <= 10 ? 84 : 30;
  // Narrow bars get upright labels so that neighbouring values never overlap.
  const upright = slot < 60;
  const top = upright ? 58 : 22;
  const width = SIDE * 2 + n * slot;
  const height = top + PLOT_HEIGHT + BOTTOM;
  const max = Math.max(0, ...input.amounts);
  const total = input.amounts.reduce((a, b) => a + b, 0);
  const money = (minor: number) => `${formatAmount(minor, input.currency)} ${input.currency}`;
  const summary = `${input.title}, ${input.days[0]} to ${input.days[n - 1]}: ${money(total)} in all` +
    (total > 0 ? `; ${input.days.map((d, i) => (input.amounts[i]! > 0 ? `${d} ${money(input.amounts[i]!)}` : null)).filter(Boolean).join(', ')}` : '');
  const bars = input.days.map((day, i) => {
    const amount = input.amounts[i] ?? 0;
    const count = input.counts[i] ?? 0;
    const h = max === 0 ? 0 : Math.max(amount > 0 ? 2 : 0, Math.round((amount / max) * PLOT_HEIGHT));
    const x = SIDE + i * slot + slot * 0.15;
    const w = slot * 0.7;
    const y = top + PLOT_HEIGHT - h;
    const cx = x + w / 2;
    const label = amount === 0 ? null : upright
      ? html`<text class="value" x="${cx + 3}" y="${y - 4}" transform="rotate(-90 ${cx + 3} ${y - 4})">${formatAmount(amount, input.currency)}</text>`
      : html`<text class="value" x="${cx}" y="${y - 5}" text-anchor="middle">${formatAmount(amount, input.currency)}</text>`;
    const showDay = !upright || i % 5 === (n - 1) % 5;
    const dayLabel = showDay ? html`<text class="day" x="${cx}" y="${top + PLOT_HEIGHT + 16}" text-anchor="middle">${upright ? day.slice(5) : day}</text>` : null;
    return html`<g><title>${day}: ${money(amount)} (${count} hold${count === 1 ? '' : 's'})</title><rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${input.color}" data-day="${day}" data-currency="${input.currency}" data-amount-minor="${amount}" data-count="${count}"></rect>${label}${dayLabel}</g>`;
  });
  return html`<svg class="chart" role="img" aria-label="${summary}" aria-describedby="${input.id}-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" data-chart="${input.chart}" data-currency="${input.currency}" xmlns="http://www.w3.org/2000/svg"><title id="${input.id}-title">${input.title}</title><desc id="${input.id}-desc">${summary}</desc><line class="axis" x1="${SIDE}" x2="${width - SIDE}" y1="${top + PLOT_HEIGHT + 0.5}" y2="${top + PLOT_HEIGHT + 0.5}"></line>${bars}</svg>`;
}
