import { ApiError } from '../api/index.ts';

/** Shows an error as the API words it, with the fields it names. */
export function ErrorMessage({ error, title }: { error: Error | undefined | null; title?: string }) {
  if (!error) return null;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div role="alert" className="error">
      {title ? <strong>{title}: </strong> : null}
      <span>{error.message}</span>
      {details.length > 0 ? (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              {d.path ? <code>{d.path}</code> : null} {d.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
