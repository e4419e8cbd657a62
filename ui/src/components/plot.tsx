/**
 * Plots drawn from their data (what would be published), as SVG with presentation attributes
 * and classes only (no inline style: the console runs under a strict CSP). Items a check
 * flagged (`bins[2]`, `categories[0]`, `steps[time=12]`, `points[4]`) are drawn marked.
 */
import type { JSX } from 'preact';

const W = 560;
const H = 240;
const PAD = { l: 44, r: 12, t: 10, b: 30 };

interface PlotData {
  type: string;
  bins?: { from: number; to: number; count: number }[];
  categories?: { label: string; count: number }[];
  steps?: { time: number; at_risk: number; events: number; censored: number }[];
  points?: { x: number; y: number; n?: number }[];
  n?: number;
  q1?: number;
  median?: number;
  q3?: number;
  whisker_low?: number;
  whisker_high?: number;
  outliers?: number[];
}

const scale = (d0: number, d1: number, r0: number, r1: number) => (v: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0));

function Axes({ xLabel, yLabel, yMax }: { xLabel: string; yLabel: string; yMax: number }) {
  return (
    <g class="axes">
      <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} />
      <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} />
      <text x={(W + PAD.l) / 2} y={H - 6} text-anchor="middle">
        {xLabel}
      </text>
      <text x={4} y={PAD.t + 10}>
        {String(Math.round(yMax * 100) / 100)}
      </text>
      <text x={4} y={H - PAD.b}>
        0
      </text>
      <title>{yLabel}</title>
    </g>
  );
}

export function Plot({ data, flagged, title }: { data: PlotData; flagged: Set<string>; title: string }) {
  const x0 = PAD.l;
  const x1 = W - PAD.r;
  const y0 = H - PAD.b;
  const y1 = PAD.t;
  let body: JSX.Element | null = null;
  let summary = '';
  if (data.type === 'histogram' && data.bins) {
    const lo = Math.min(...data.bins.map((b) => b.from));
    const hi = Math.max(...data.bins.map((b) => b.to));
    const top = Math.max(1, ...data.bins.map((b) => b.count));
    const sx = scale(lo, hi, x0, x1);
    const sy = scale(0, top, y0, y1);
    summary = `Histogram of ${data.bins.length} bins from ${lo} to ${hi}`;
    body = (
      <>
        <Axes xLabel={`${lo} – ${hi}`} yLabel="count" yMax={top} />
        {data.bins.map((b, i) => (
          <rect key={i} class={flagged.has(`bins[${i}]`) ? 'bar flagged' : 'bar'} x={sx(b.from)} width={Math.max(1, sx(b.to) - sx(b.from) - 1)} y={sy(b.count)} height={y0 - sy(b.count)}>
            <title>{`[${b.from}, ${b.to}): ${b.count}${flagged.has(`bins[${i}]`) ? ' — flagged' : ''}`}</title>
          </rect>
        ))}
      </>
    );
  } else if ((data.type === 'bar' || data.type === 'pie') && data.categories) {
    const top = Math.max(1, ...data.categories.map((c) => c.count));
    const bw = (x1 - x0) / data.categories.length;
    const sy = scale(0, top, y0, y1);
    summary = `${data.type === 'pie' ? 'Pie (drawn as bars)' : 'Bar chart'} of ${data.categories.length} categories`;
    body = (
      <>
        <Axes xLabel="category" yLabel="count" yMax={top} />
        {data.categories.map((c, i) => (
          <g key={i}>
            <rect class={flagged.has(`categories[${i}]`) ? 'bar flagged' : 'bar'} x={x0 + i * bw + 2} width={Math.max(1, bw - 4)} y={sy(c.count)} height={y0 - sy(c.count)}>
              <title>{`${c.label}: ${c.count}${flagged.has(`categories[${i}]`) ? ' — flagged' : ''}`}</title>
            </rect>
            <text class="tick" x={x0 + i * bw + bw / 2} y={y0 + 12} text-anchor="middle">
              {c.label.length > 10 ? `${c.label.slice(0, 9)}…` : c.label}
            </text>
          </g>
        ))}
      </>
    );
  } else if (data.type === 'kaplan_meier' && data.steps) {
    let s = 1;
    const pts = data.steps.map((st) => {
      if (st.at_risk > 0) s *= 1 - st.events / st.at_risk;
      return { t: st.time, s, st };
    });
    const tmax = Math.max(...pts.map((p) => p.t), 1);
    const sx = scale(0, tmax, x0, x1);
    const sy = scale(0, 1, y0, y1);
    let d = `M ${sx(0)} ${sy(1)}`;
    let prev = 1;
    for (const p of pts) {
      d += ` H ${sx(p.t)} V ${sy(p.s)}`;
      prev = p.s;
    }
    d += ` H ${x1}`;
    summary = `Kaplan-Meier curve over ${data.steps.length} reported times; survival falls to ${prev.toFixed(2)}`;
    body = (
      <>
        <Axes xLabel={`time (0 – ${tmax})`} yLabel="survival" yMax={1} />
        <path class="curve" d={d} />
        {pts.map((p, i) => {
          const ref = `steps[time=${p.t}]`;
          const bad = flagged.has(ref) || flagged.has(`steps[${i}]`);
          return (
            <circle key={i} class={bad ? 'dot flagged' : 'dot'} cx={sx(p.t)} cy={sy(p.s)} r={bad ? 4 : 2.5}>
              <title>{`t=${p.t}: at risk ${p.st.at_risk}, events ${p.st.events}, censored ${p.st.censored}${bad ? ' — flagged' : ''}`}</title>
            </circle>
          );
        })}
      </>
    );
  } else if (data.type === 'scatter' && data.points) {
    const xs = data.points.map((p) => p.x);
    const ys = data.points.map((p) => p.y);
    const sx = scale(Math.min(...xs), Math.max(...xs), x0 + 6, x1 - 6);
    const sy = scale(Math.min(...ys), Math.max(...ys), y0 - 6, y1 + 6);
    summary = `Scatter plot of ${data.points.length} points`;
    body = (
      <>
        <Axes xLabel="x" yLabel="y" yMax={Math.max(...ys)} />
        {data.points.map((p, i) => (
          <circle key={i} class={flagged.has(`points[${i}]`) ? 'dot flagged' : 'dot'} cx={sx(p.x)} cy={sy(p.y)} r={3}>
            <title>{`(${p.x}, ${p.y}) n=${p.n ?? 1}${flagged.has(`points[${i}]`) ? ' — flagged' : ''}`}</title>
          </circle>
        ))}
      </>
    );
  } else if (data.type === 'box' && data.q1 !== undefined && data.q3 !== undefined && data.median !== undefined && data.whisker_low !== undefined && data.whisker_high !== undefined) {
    const all = [data.whisker_low, data.whisker_high, ...(data.outliers ?? [])];
    const sx = scale(Math.min(...all), Math.max(...all), x0 + 10, x1 - 10);
    const cy = (y0 + y1) / 2;
    summary = `Box plot: n ${data.n}, quartiles ${data.q1}, ${data.median}, ${data.q3}; whiskers ${data.whisker_low}–${data.whisker_high}; ${(data.outliers ?? []).length} outliers`;
    body = (
      <>
        <line class="whisker" x1={sx(data.whisker_low)} x2={sx(data.whisker_high)} y1={cy} y2={cy} />
        <rect class="bar" x={sx(data.q1)} width={Math.max(1, sx(data.q3) - sx(data.q1))} y={cy - 30} height={60} />
        <line class="median" x1={sx(data.median)} x2={sx(data.median)} y1={cy - 30} y2={cy + 30} />
        {(data.outliers ?? []).map((o, i) => (
          <circle key={i} class="dot flagged" cx={sx(o)} cy={cy} r={3}>
            <title>{`outlier ${o}`}</title>
          </circle>
        ))}
      </>
    );
  }
  if (!body) return <p>This plot type cannot be drawn here; its data is shown below.</p>;
  return (
    <figure class="plot">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${summary}`} class="plot-svg">
        {body}
      </svg>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}
