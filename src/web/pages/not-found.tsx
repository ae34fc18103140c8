import { useTranslation } from 'react-i18next';
import { Page } from '@/web/components/page';
import { Link } from '@/web/router';

/** An address the app does not have, or a role page the person does not hold. */
export function NotFound({ home }: { home: string }) {
  const { t } = useTranslation();
  return (
    <Page title={t('notFound.title')} intro={t('notFound.text')}>
      <p>
        <Link to={home}>{t('notFound.home')}</Link>
      </p>
    </Page>
  );
}

/** A signed-in person who holds no role yet: nothing to show but who to ask. */
export function NoRoles() {
  const { t } = useTranslation();
  return (
    <Page title={t('noRoles.title')} intro={t('noRoles.text')}>
      <p className="cta">
        <Link to="/journal/link">{t('journal.haveCode')}</Link>
      </p>
    </Page>
  );
}
