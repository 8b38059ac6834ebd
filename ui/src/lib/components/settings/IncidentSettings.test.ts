import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import EmailForm from './EmailForm.svelte';
import PostmortemTemplateForm from './PostmortemTemplateForm.svelte';
import Toasts from '../common/Toasts.svelte';
import type { EmailSettings, PostmortemTemplate } from '$lib/ipc';
import { mockCommands } from '../../../test/ipc';

describe('EmailForm', () => {
  it('turns escalation email on with the SMTP server and the vault credential, and off again', async () => {
    let stored: EmailSettings | null = null;
    const mock = mockCommands({
      email_settings_get: () => stored,
      email_settings_set: ({ settings }) => (stored = settings),
    });
    render(EmailForm);
    render(Toasts);
    await fireEvent.click(await screen.findByTestId('email-enabled'));
    await fireEvent.input(screen.getByTestId('email-server'), { target: { value: ' smtp.example.test ' } });
    await fireEvent.input(screen.getByTestId('email-from'), { target: { value: 'rampart@example.test' } });
    await fireEvent.input(screen.getByTestId('email-user'), { target: { value: 'rampart' } });
    await fireEvent.input(screen.getByTestId('email-password-from'), { target: { value: 'smtp-password' } });
    await fireEvent.click(screen.getByTestId('email-save'));
    expect(await screen.findByText('Escalation email settings saved')).toBeTruthy();
    expect(mock.named('email_settings_set')[0].args.settings).toEqual({
      server: 'smtp.example.test',
      port: 587,
      tls: 'startTls',
      from: 'rampart@example.test',
      username: 'rampart',
      passwordFrom: 'smtp-password',
    });
    await fireEvent.click(screen.getByTestId('email-enabled'));
    expect(screen.queryByTestId('email-server')).toBeNull();
    await fireEvent.click(screen.getByTestId('email-save'));
    expect(await screen.findByText('Escalation emails turned off')).toBeTruthy();
    expect(mock.named('email_settings_set')[1].args.settings).toBeNull();
  });

  it("shows core's reason when the settings are refused", async () => {
    mockCommands({
      email_settings_get: () => null,
      email_settings_set: () => {
        throw { kind: 'notFound', message: 'no credential named "smtp-pw" in the vault' };
      },
    });
    render(EmailForm);
    await fireEvent.click(await screen.findByTestId('email-enabled'));
    await fireEvent.input(screen.getByTestId('email-server'), { target: { value: 'smtp.example.test' } });
    await fireEvent.input(screen.getByTestId('email-from'), { target: { value: 'r@example.test' } });
    await fireEvent.click(screen.getByTestId('email-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('no credential named "smtp-pw"');
  });
});

describe('PostmortemTemplateForm', () => {
  it('saves an edited template, refuses what core refuses, and resets to the built-in one', async () => {
    const builtIn: PostmortemTemplate = { template: '# Postmortem: {{title}}', isDefault: true };
    let current = builtIn;
    const mock = mockCommands({
      postmortem_template_get: () => current,
      postmortem_template_set: ({ template }) => {
        if (template?.includes('{{nope}}'))
          throw { kind: 'invalidInput', message: '{{nope}} is not a placeholder' };
        return (current = template === null ? builtIn : { template, isDefault: false });
      },
    });
    render(PostmortemTemplateForm);
    render(Toasts);
    const area = (await screen.findByTestId('postmortem-template')) as HTMLTextAreaElement;
    expect(area.value).toBe('# Postmortem: {{title}}');
    expect((screen.getByTestId('postmortem-save') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('postmortem-reset') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(area, { target: { value: '# {{title}} {{nope}}' } });
    await fireEvent.click(screen.getByTestId('postmortem-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('{{nope}} is not a placeholder');
    await fireEvent.input(area, { target: { value: '# {{title}}\n\n{{summary}}' } });
    await fireEvent.click(screen.getByTestId('postmortem-save'));
    expect(await screen.findByText('Postmortem template saved')).toBeTruthy();
    await waitFor(() =>
      expect((screen.getByTestId('postmortem-reset') as HTMLButtonElement).disabled).toBe(false),
    );
    await fireEvent.click(screen.getByTestId('postmortem-reset'));
    expect(await screen.findByText('Postmortem template reset')).toBeTruthy();
    expect(area.value).toBe('# Postmortem: {{title}}');
    expect(mock.named('postmortem_template_set').map((c) => c.args.template)).toEqual([
      '# {{title}} {{nope}}',
      '# {{title}}\n\n{{summary}}',
      null,
    ]);
  });
});
