import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import FieldsTab from './FieldsTab.svelte';
import Toasts from '../common/Toasts.svelte';
import { mockCommands, type Handlers } from '../../../test/ipc';
import { CREDS } from '../../../test/tools';

const PAYLOAD = '{"iv":"9f1c0e2a","data":"7b2261","authTag":"c0ffee"}';
const TAMPERED = "the payload's auth tag does not match: wrong key or the data was changed";

function setup(handlers: Handlers = {}) {
  const ipc = mockCommands(handlers);
  render(FieldsTab, { creds: CREDS });
  render(Toasts);
  return ipc;
}

async function paste(text: string) {
  await fireEvent.input(screen.getByTestId('fields-input'), { target: { value: text } });
}

describe('FieldsTab: decrypt', () => {
  it('picks the ENCRYPTION_KEY by default, lists every credential, and shows the plaintext with its count', async () => {
    const ipc = setup({
      tools_field_decrypt: () => ({
        layout: 'lines',
        values: [{ nationalId: '1234567890' }, 'x', 3],
        text: '{"nationalId":"1234567890"}\n"x"\n3',
      }),
    });
    const key = screen.getByTestId('fields-key') as HTMLSelectElement;
    expect(key.value).toBe('ENCRYPTION_KEY');
    const groups = [...key.querySelectorAll('optgroup')].map((g) => [
      g.label,
      [...g.querySelectorAll('option')].map((o) => o.value),
    ]);
    expect(groups).toEqual([
      ['Encryption keys', ['ENCRYPTION_KEY', 'old-field-key']],
      ['Other credentials', ['sentry-token', 'JWT_SECRET']],
    ]);

    await paste(`${PAYLOAD}\n${PAYLOAD}\n${PAYLOAD}`);
    await fireEvent.click(screen.getByTestId('fields-run'));

    const result = (await screen.findByTestId('fields-result')) as HTMLTextAreaElement;
    expect(result.value).toBe('{"nationalId":"1234567890"}\n"x"\n3');
    expect(result).toHaveAttribute('readonly');
    expect(screen.getByTestId('fields-result-summary')).toHaveTextContent(
      '3 payloads decrypted, one per line',
    );
    expect(ipc.named('tools_field_decrypt')[0].args).toEqual({
      keyName: 'ENCRYPTION_KEY',
      text: `${PAYLOAD}\n${PAYLOAD}\n${PAYLOAD}`,
    });
    expect(screen.queryByTestId('fields-error')).toBeNull();
  });

  it('shows a wrong key or a tampered payload inline, with no result', async () => {
    setup({
      tools_field_decrypt: () => {
        throw { kind: 'invalidInput', message: TAMPERED };
      },
    });
    await fireEvent.change(screen.getByTestId('fields-key'), { target: { value: 'old-field-key' } });
    await paste(PAYLOAD);
    await fireEvent.click(screen.getByTestId('fields-run'));
    expect(await screen.findByTestId('fields-error')).toHaveTextContent(TAMPERED);
    expect(screen.queryByTestId('fields-result')).toBeNull();
    expect(screen.getByTestId('fields-run')).not.toBeDisabled();
  });

  it('asks for a payload instead of calling with nothing', async () => {
    const ipc = setup({});
    await fireEvent.click(screen.getByTestId('fields-run'));
    expect(screen.getByTestId('fields-error')).toHaveTextContent('Paste a payload first.');
    expect(ipc.named('tools_field_decrypt')).toHaveLength(0);
  });

  it('disables the button while busy and clears the result when the input changes', async () => {
    let release: () => void = () => {};
    setup({
      tools_field_decrypt: () =>
        new Promise((resolve) => {
          release = () => resolve({ layout: 'single', values: [1], text: '1' });
        }),
    });
    await paste(PAYLOAD);
    await fireEvent.click(screen.getByTestId('fields-run'));
    await waitFor(() => expect(screen.getByTestId('fields-run')).toBeDisabled());
    expect(screen.getByTestId('fields-run')).toHaveTextContent('Working…');
    release();
    expect(await screen.findByTestId('fields-result-summary')).toHaveTextContent(
      '1 payload decrypted, a single value',
    );
    expect(screen.getByTestId('fields-run')).not.toBeDisabled();
    await paste(`${PAYLOAD} `);
    expect(screen.queryByTestId('fields-result')).toBeNull();
  });
});

describe('FieldsTab: refusals', () => {
  it('shows an encrypt refusal inline with the button enabled, clears it on edit, and runs again', async () => {
    let refuse = true;
    const ipc = setup({
      tools_field_encrypt: () => {
        if (refuse)
          throw { kind: 'invalidInput', message: 'line 2 is not valid JSON: expected value at column 1' };
        return { layout: 'single', count: 1, text: PAYLOAD };
      },
    });
    await fireEvent.click(screen.getByTestId('fields-mode-encrypt'));
    await paste('{"a":1}\nnope');
    await fireEvent.click(screen.getByTestId('fields-lines'));
    await fireEvent.click(screen.getByTestId('fields-run'));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'line 2 is not valid JSON: expected value at column 1',
    );
    expect(screen.getByTestId('fields-run')).toBeEnabled();
    expect(screen.getByTestId('fields-run')).toHaveTextContent('Encrypt');
    expect(screen.queryByTestId('fields-result')).toBeNull();

    // The refusal was about the old input: editing it takes the message away.
    await paste('{"a":1}');
    expect(screen.queryByTestId('fields-error')).toBeNull();

    refuse = false;
    await fireEvent.click(screen.getByTestId('fields-lines'));
    await fireEvent.click(screen.getByTestId('fields-run'));
    expect(await screen.findByTestId('fields-result')).toHaveValue(PAYLOAD);
    expect(screen.queryByTestId('fields-error')).toBeNull();
    expect(ipc.named('tools_field_encrypt')).toHaveLength(2);
  });

  it('forgets a refusal when another mode is picked', async () => {
    setup({
      tools_field_decrypt: () => {
        throw { kind: 'invalidInput', message: TAMPERED };
      },
    });
    await paste(PAYLOAD);
    await fireEvent.click(screen.getByTestId('fields-run'));
    expect(await screen.findByTestId('fields-error')).toHaveTextContent(TAMPERED);
    await fireEvent.click(screen.getByTestId('fields-mode-rotate'));
    expect(screen.queryByTestId('fields-error')).toBeNull();
    expect(screen.getByTestId('fields-run')).toHaveTextContent('Re-encrypt');
  });
});

describe('FieldsTab: files', () => {
  it('reads a chosen file as text and sends it', async () => {
    const ipc = setup({ tools_field_decrypt: () => ({ layout: 'lines', values: [1, 2], text: '1\n2' }) });
    const file = new File([`${PAYLOAD}\n${PAYLOAD}\n`], 'users.jsonl', { type: 'application/jsonl' });
    await fireEvent.change(screen.getByTestId('fields-input-file'), { target: { files: [file] } });
    await waitFor(() => expect(screen.getByTestId('fields-input')).toHaveValue(`${PAYLOAD}\n${PAYLOAD}\n`));
    expect(screen.getByTestId('fields-input-loaded')).toHaveTextContent('Loaded users.jsonl');
    await fireEvent.click(screen.getByTestId('fields-run'));
    await screen.findByTestId('fields-result');
    expect(ipc.named('tools_field_decrypt')[0].args.text).toBe(`${PAYLOAD}\n${PAYLOAD}\n`);
  });

  it('reads a file dropped on the box', async () => {
    setup({});
    const box = screen.getByTestId('fields-input');
    const file = new File([`[${PAYLOAD}]`], 'dump.json');
    await fireEvent.dragOver(box, { dataTransfer: { files: [] } });
    expect(box).toHaveClass('dragging');
    await fireEvent.drop(box, { dataTransfer: { files: [file] } });
    await waitFor(() => expect(box).toHaveValue(`[${PAYLOAD}]`));
    expect(box).not.toHaveClass('dragging');
    expect(screen.getByTestId('fields-input-loaded')).toHaveTextContent('Loaded dump.json');
  });
});

describe('FieldsTab: encrypt and rotate', () => {
  it('encrypts one JSON value per line when asked', async () => {
    const ipc = setup({
      tools_field_encrypt: () => ({ layout: 'lines', count: 2, text: `${PAYLOAD}\n${PAYLOAD}` }),
    });
    await fireEvent.click(screen.getByTestId('fields-mode-encrypt'));
    await paste('{"a":1}\n"two"');
    await fireEvent.click(screen.getByTestId('fields-lines'));
    await fireEvent.click(screen.getByTestId('fields-run'));
    expect(await screen.findByTestId('fields-result-summary')).toHaveTextContent(
      '2 values encrypted, one per line',
    );
    expect(screen.getByTestId('fields-result')).toHaveValue(`${PAYLOAD}\n${PAYLOAD}`);
    expect(ipc.named('tools_field_encrypt')[0].args).toEqual({
      keyName: 'ENCRYPTION_KEY',
      text: '{"a":1}\n"two"',
      lines: true,
    });
  });

  it('refuses to rotate to the same key before calling, then rotates from old to new', async () => {
    const ipc = setup({
      tools_field_rotate: () => ({ layout: 'array', count: 2, text: `[\n  ${PAYLOAD},\n  ${PAYLOAD}\n]` }),
    });
    await fireEvent.click(screen.getByTestId('fields-mode-rotate'));
    expect(screen.queryByTestId('fields-key')).toBeNull();
    expect(screen.getByTestId('fields-from')).toHaveValue('ENCRYPTION_KEY');
    expect(screen.getByTestId('fields-to')).toHaveValue('');
    await paste(`[${PAYLOAD},${PAYLOAD}]`);

    await fireEvent.click(screen.getByTestId('fields-run'));
    expect(screen.getByTestId('fields-error')).toHaveTextContent('Pick both keys');

    await fireEvent.change(screen.getByTestId('fields-to'), { target: { value: 'ENCRYPTION_KEY' } });
    await fireEvent.click(screen.getByTestId('fields-run'));
    expect(screen.getByTestId('fields-error')).toHaveTextContent(
      'From and To are the same key (ENCRYPTION_KEY)',
    );
    expect(ipc.named('tools_field_rotate')).toHaveLength(0);

    await fireEvent.change(screen.getByTestId('fields-from'), { target: { value: 'old-field-key' } });
    await fireEvent.click(screen.getByTestId('fields-run'));
    expect(await screen.findByTestId('fields-result-summary')).toHaveTextContent(
      '2 payloads re-encrypted, as a JSON array (old-field-key → ENCRYPTION_KEY)',
    );
    expect(screen.queryByTestId('fields-error')).toBeNull();
    expect(ipc.named('tools_field_rotate')[0].args).toEqual({
      fromKey: 'old-field-key',
      toKey: 'ENCRYPTION_KEY',
      text: `[${PAYLOAD},${PAYLOAD}]`,
    });
  });

  it('shows an all-or-nothing rotate failure inline', async () => {
    setup({
      tools_field_rotate: () => {
        throw { kind: 'invalidInput', message: `payload 2: ${TAMPERED}; nothing was re-encrypted` };
      },
    });
    await fireEvent.click(screen.getByTestId('fields-mode-rotate'));
    await fireEvent.change(screen.getByTestId('fields-to'), { target: { value: 'old-field-key' } });
    await paste(PAYLOAD);
    await fireEvent.click(screen.getByTestId('fields-run'));
    expect(await screen.findByTestId('fields-error')).toHaveTextContent(
      "payload 2: the payload's auth tag does not match: wrong key or the data was changed; nothing was re-encrypted",
    );
    expect(screen.queryByTestId('fields-result')).toBeNull();
  });
});

describe('FieldsTab: copy', () => {
  async function decryptOne() {
    await paste(PAYLOAD);
    await fireEvent.click(screen.getByTestId('fields-run'));
    await screen.findByTestId('fields-result');
  }

  it('copies the result text through Rust, which clears it like a copied secret', async () => {
    const ipc = setup({
      tools_field_decrypt: () => ({ layout: 'single', values: [{ a: 1 }], text: '{\n  "a": 1\n}' }),
      tools_copy: () => ({ clearsInSeconds: 20 }),
    });
    await decryptOne();
    await fireEvent.click(screen.getByTestId('fields-result-copy'));
    await waitFor(() => expect(ipc.named('tools_copy')).toHaveLength(1));
    expect(ipc.named('tools_copy')[0].args).toEqual({ text: '{\n  "a": 1\n}' });
    const toast = await screen.findByTestId('toast');
    expect(toast).toHaveTextContent('Plaintext copied — clears in 20 s');
  });

  it('says so, and selects the text, when the copy fails', async () => {
    setup({
      tools_field_decrypt: () => ({ layout: 'single', values: ['abc'], text: '"abc"' }),
      tools_copy: () => {
        throw { kind: 'internal', message: 'the clipboard is not available' };
      },
    });
    await decryptOne();
    await fireEvent.click(screen.getByTestId('fields-result-copy'));
    const toast = await screen.findByTestId('toast');
    expect(toast).toHaveAttribute('data-tone', 'error');
    expect(toast).toHaveTextContent('press Ctrl+C): the clipboard is not available');
    const box = screen.getByTestId('fields-result') as HTMLTextAreaElement;
    expect(box).toHaveFocus();
    expect([box.selectionStart, box.selectionEnd]).toEqual([0, '"abc"'.length]);
  });
});
