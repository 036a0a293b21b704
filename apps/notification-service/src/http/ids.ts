import { z } from 'zod';
import { parse } from '@cancelflow/service-kit';

const uuid = (what: string) => z.uuid({ error: `${what} must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e` });

/** The :id of a path, which must be a UUID: anything else is a 400, not a 404. */
export const parseId = (value: unknown, what: string): string => parse(z.object({ id: uuid(what) }), { id: value }, 'path').id;

/** Message-IDs are stored as the header carries them, in angle brackets; accept them bare too. */
export const asMessageId = (value: string): string => (value.startsWith('<') ? value : `<${value}>`);
