import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import HashTab from './HashTab.svelte';
import type { HashInfo } from '$lib/ipc';
import { mockCommands, type Handlers } from '../../../test/ipc';
import { hashInfo } from '../../../test/tools';

const BCRYPT = '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy';
const ARGON = '$argon2i$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA';

function setup(handlers: Handlers = {}) {
  const ipc = mockCommands({ tools_hash_inspect: () => hashInfo(), ...handlers });
  render(HashTab);
  return ipc;
}

async function pasteHash(hash = BCRYPT) {
  await fireEvent.input(screen.getByTestId('hash-input'), { target: { value: hash } });
}

async function typePassword(password: string) {
  await fireEvent.input(screen.getByTestId('hash-password'), { target: { value: password } });
}

describe('HashTab: inspect', () => {
  it('inspects the pasted hash live: algorithm, cost, minimum met', async () => {
    const ipc = setup();
    await pasteHash(`  ${BCRYPT}\n`);
    const info = await screen.findByTestId('hash-info');
    expect(ipc.named('tools_hash_inspect').map((c) => c.args)).toEqual([{ hash: BCRYPT }]);
    expect(within(info).getByTestId('hash-algorithm')).toHaveTextContent('bcrypt');
    expect(info).toHaveTextContent('2b');
    expect(within(info).getByTestId('hash-cost')).toHaveTextContent('10 (1,024 rounds)');
    expect(within(info).getByTestId('hash-minimum')).toHaveTextContent(
      "✓ Meets the guide's / OWASP's minimum",
    );
    expect(within(info).queryByTestId('hash-findings')).toBeNull();
  });

  it('shows argon2 parameters, a weak hash and its findings', async () => {
    const weak: HashInfo = hashInfo({
      algorithm: 'argon2i',
      version: 'v=19',
      cost: null,
      memoryKib: 4096,
      iterations: 3,
      parallelism: 1,
      meetsMinimum: false,
      findings: ['argon2i: prefer argon2id', 'm=4096 KiB is below the 19456 KiB minimum'],
    });
    setup({ tools_hash_inspect: () => weak });
    await pasteHash(ARGON);
    const info = await screen.findByTestId('hash-info');
    expect(within(info).getByTestId('hash-minimum')).toHaveTextContent(
      "✗ Below the guide's / OWASP's minimum",
    );
    expect(within(info).getByTestId('hash-memory')).toHaveTextContent('4,096 KiB');
    expect(info).toHaveTextContent(/Iterations \(t\)\s*3/);
    expect(info).toHaveTextContent(/Parallelism \(p\)\s*1/);
    expect(within(info).queryByTestId('hash-cost')).toBeNull();
    expect(within(within(info).getByTestId('hash-findings')).getAllByRole('listitem')).toHaveLength(2);
    expect(info).toHaveTextContent('argon2i: prefer argon2id');
  });

  it('only inspects the last of quickly typed values, and says when it is not a hash', async () => {
    const ipc = setup({
      tools_hash_inspect: () => {
        throw { kind: 'invalidInput', message: 'not a bcrypt or argon2 hash (expected $2b$ or $argon2id$)' };
      },
    });
    await pasteHash('$2');
    await pasteHash('$2b');
    await pasteHash('password123');
    expect(await screen.findByTestId('hash-inspect-error')).toHaveTextContent(
      'not a bcrypt or argon2 hash (expected $2b$ or $argon2id$)',
    );
    expect(ipc.named('tools_hash_inspect').map((c) => c.args.hash)).toEqual(['password123']);
    expect(screen.queryByTestId('hash-info')).toBeNull();
  });
});

describe('HashTab: check', () => {
  it('says Matches and empties the password field', async () => {
    const ipc = setup({ tools_hash_check: () => ({ matches: true, info: hashInfo() }) });
    await pasteHash();
    await typePassword('correct horse');
    await fireEvent.click(screen.getByTestId('hash-check'));
    const result = await screen.findByTestId('hash-result');
    expect(result).toHaveTextContent('✓ Matches');
    expect(result).toHaveClass('ok');
    expect(ipc.named('tools_hash_check')[0].args).toEqual({ hash: BCRYPT, password: 'correct horse' });
    expect(screen.getByTestId('hash-password')).toHaveValue('');
    expect(screen.getByTestId('hash-password')).toHaveAttribute('type', 'password');
    expect(screen.getByTestId('hash-password')).toHaveAttribute('autocomplete', 'off');
    expect(screen.getByText(/never stored or logged/)).toBeInTheDocument();
  });

  it('says Does not match and empties the password field', async () => {
    setup({ tools_hash_check: () => ({ matches: false, info: hashInfo() }) });
    await pasteHash();
    await typePassword('Tr0ub4dor&3');
    await fireEvent.click(screen.getByTestId('hash-check'));
    const result = await screen.findByTestId('hash-result');
    expect(result).toHaveTextContent('✗ Does not match');
    expect(result).toHaveClass('error');
    expect(screen.getByTestId('hash-password')).toHaveValue('');
  });

  it('shows a refusal inline and still empties the password field', async () => {
    setup({
      tools_hash_check: () => {
        throw { kind: 'invalidInput', message: 'bcrypt: the hash is truncated (53 of 60 characters)' };
      },
    });
    await pasteHash(BCRYPT.slice(0, 53));
    await typePassword('hunter2');
    await fireEvent.click(screen.getByTestId('hash-check'));
    expect(await screen.findByTestId('hash-error')).toHaveTextContent(
      'bcrypt: the hash is truncated (53 of 60 characters)',
    );
    expect(screen.queryByTestId('hash-result')).toBeNull();
    expect(screen.getByTestId('hash-password')).toHaveValue('');
    expect(screen.getByTestId('hash-password')).toBeEnabled();
    expect(screen.getByTestId('hash-check')).toBeEnabled();
    expect(screen.getByTestId('hash-check')).toHaveTextContent('Check');
  });

  it('checks again after a refusal, and forgets the refusal when the hash changes', async () => {
    let refuse = true;
    const ipc = setup({
      tools_hash_check: () => {
        if (refuse)
          throw { kind: 'invalidInput', message: 'bcrypt: the hash is truncated (53 of 60 characters)' };
        return { matches: false, info: hashInfo() };
      },
    });
    await pasteHash();
    await typePassword('hunter2');
    await fireEvent.click(screen.getByTestId('hash-check'));
    expect(await screen.findByRole('alert')).toHaveTextContent('bcrypt: the hash is truncated');

    refuse = false;
    await typePassword('hunter3');
    await fireEvent.click(screen.getByTestId('hash-check'));
    expect(await screen.findByTestId('hash-result')).toHaveTextContent('✗ Does not match');
    expect(screen.queryByTestId('hash-error')).toBeNull();
    expect(ipc.named('tools_hash_check').map((c) => c.args.password)).toEqual(['hunter2', 'hunter3']);

    refuse = true;
    await typePassword('hunter4');
    await fireEvent.click(screen.getByTestId('hash-check'));
    expect(await screen.findByTestId('hash-error')).toBeInTheDocument();
    expect(screen.queryByTestId('hash-result')).toBeNull();
    await pasteHash(ARGON);
    expect(screen.queryByTestId('hash-error')).toBeNull();
  });

  it('disables Check while checking and forgets the answer when the hash changes', async () => {
    let release: () => void = () => {};
    setup({
      tools_hash_check: () =>
        new Promise((resolve) => {
          release = () => resolve({ matches: true, info: hashInfo() });
        }),
    });
    await pasteHash();
    await typePassword('pw');
    await fireEvent.click(screen.getByTestId('hash-check'));
    await waitFor(() => expect(screen.getByTestId('hash-check')).toBeDisabled());
    expect(screen.getByTestId('hash-check')).toHaveTextContent('Checking…');
    expect(screen.getByTestId('hash-password')).toBeDisabled();
    release();
    await screen.findByTestId('hash-result');
    expect(screen.getByTestId('hash-check')).not.toBeDisabled();
    await pasteHash(ARGON);
    expect(screen.queryByTestId('hash-result')).toBeNull();
  });

  it('asks for what is missing instead of calling', async () => {
    const ipc = setup();
    await fireEvent.click(screen.getByTestId('hash-check'));
    expect(screen.getByTestId('hash-error')).toHaveTextContent('Paste the hash first.');
    await pasteHash();
    await fireEvent.click(screen.getByTestId('hash-check'));
    expect(screen.getByTestId('hash-error')).toHaveTextContent('Type the password to check.');
    expect(ipc.named('tools_hash_check')).toHaveLength(0);
  });
});
