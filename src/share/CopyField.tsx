/** A link in a read-only field with a Copy button beside it (the button says whether it worked). */
import { useState } from 'react';
import { copyText } from './publicLink';

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
