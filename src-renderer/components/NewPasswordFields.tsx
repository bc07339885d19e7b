import { PasswordInput } from '@mantine/core';
import { z } from 'zod';
import { PASSWORD_RULE } from '../../src-shared/domain/password.ts';

/** A form schema plus `confirmPassword`, which must equal the password field it confirms. */
export function withConfirmation<S extends z.ZodRawShape>(
  schema: z.ZodObject<S>,
  field: keyof S & string,
) {
  return schema.extend({ confirmPassword: z.string() }).refine(
    (values) => {
      const all = values as Record<string, unknown>;
      return all[field] === all.confirmPassword;
    },
    {
      path: ['confirmPassword'],
      message: 'does not match the password',
    },
  );
}

type InputProps = (path: string) => object;

/** A new password typed twice; the second is the form's `confirmPassword`. */
export function NewPasswordFields({
  field,
  label = 'Password',
  getInputProps,
}: {
  field: string;
  label?: string;
  getInputProps: InputProps;
}) {
  return (
    <>
      <PasswordInput
        label={label}
        description={PASSWORD_RULE}
        autoComplete="new-password"
        {...getInputProps(field)}
      />
      <PasswordInput
        label={`${label} again`}
        autoComplete="new-password"
        {...getInputProps('confirmPassword')}
      />
    </>
  );
}
