import { z } from 'zod';
import { REFUND_METHODS, text } from '@cancelflow/domain';

/** Text that must be there; the message says what it is for. */
export const requiredText = (message: string) => text({ error: message }).trim().min(1, message);

export const minorUnitsAmount = z
  .number({ error: 'amount must be the refund in minor units (e.g. 1999 for 19.99)' })
  .int('amount must be a whole number of minor units, never a decimal')
  .nonnegative('amount cannot be negative');

export const refundMethod = z.enum(REFUND_METHODS, { error: `refundMethod must be one of ${REFUND_METHODS.join(', ')}` });
