/** An outcome, status or review state as a small labelled badge (colour is never the only cue). */
export function Badge({ value }: { value: string | null | undefined }) {
  const v = value ?? '—';
  return <span class={`badge badge-${v}`}>{v}</span>;
}
