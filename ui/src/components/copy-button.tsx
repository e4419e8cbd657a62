import { useState } from 'preact/hooks';

/** Copies `text` to the clipboard; says so for screen readers too. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="secondary outline small"
      aria-label={`Copy ${label}`}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setDone(true), () => setDone(false));
      }}
    >
      {done ? 'Copied' : 'Copy'}
      <span class="visually-hidden" role="status">{done ? ` ${label}: copied` : ''}</span>
    </button>
  );
}
