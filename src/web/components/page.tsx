import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

// The first page of a visit keeps the browser's natural focus; after that, every navigation moves focus to
// the new page's heading so a screen-reader user hears where they are (an SPA does not reload to tell them).
let navigatedBefore = false;

/** A page: its one `<h1>`, the document title, and focus on the heading after in-app navigation. */
export function Page({ title, intro, children }: { title: string; intro?: ReactNode; children?: ReactNode }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — ${t('app.name')}`;
  }, [title, t]);
  useEffect(() => {
    if (navigatedBefore) heading.current?.focus();
    navigatedBefore = true;
  }, []);
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {intro ? <p className="intro">{intro}</p> : null}
      {children}
    </>
  );
}
