/** A link in a read-only field with a Copy button beside it (the button says whether it worked). */
import { useState } from 'react';
import { copyText } from './publicLink';

/** A Copy button for `text`; its label says whether the copy worked. */
export function CopyButton({ text, testId, className = 'copy-button console-button' }: { text: string; testId: string; className?: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <button
      type="button"
      className={className}
      data-testid={testId}
      onClick={async () => {
        setCopied((await copyText(text)) ? 'yes' : 'no');
        setTimeout(() => setCopied(null), 2_000);
      }}
    >
      {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Select it and copy' : 'Copy link'}
    </button>
  );
}

export function CopyField({ label, value, testId, copyTestId, big = false }: { label: string; value: string; testId: string; copyTestId: string; big?: boolean }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <div className={`copy-field ${big ? 'big' : ''}`}>
      <label>
        <span className="copy-field-label">{label}</span>
        <input data-testid={testId} readOnly value={value} onFocus={(event) => event.target.select()} />
      </label>
      <button
        type="button"
        className="copy-button"
        data-testid={copyTestId}
        onClick={async () => {
          setCopied((await copyText(value)) ? 'yes' : 'no');
          setTimeout(() => setCopied(null), 2_000);
        }}
      >
        {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Select and copy' : 'Copy'}
      </button>
    </div>
  );
}
