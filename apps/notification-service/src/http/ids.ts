import { z } from 'zod';
import { uuidSchema as uuid } from '@cancelflow/domain';
import { parse } from '@cancelflow/service-kit';

/** The :id of a path, which must be a UUID: anything else is a 400, not a 404. */
export const parseId = (value: unknown, what: string): string => parse(z.object({ id: uuid(what) }), { id: value }, 'path').id;

/** Message-IDs are stored as the header carries them, in angle brackets; accept them bare too. */
export const asMessageId = (value: string): string => (value.startsWith('<') ? value : `<${value}>`);
