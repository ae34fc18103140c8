import { useTranslation } from 'react-i18next';
import { Page } from '@/web/components/page';

/** A content editor's home until the digital library module exists: says what will come, in their language. */
export function LibraryHome() {
  const { t } = useTranslation();
  return (
    <Page title={t('library.title')} intro={t('library.intro')}>
      <div className="card notice">
        <h2>{t('library.comingTitle')}</h2>
        <p>{t('library.comingText')}</p>
        <ul>
          <li>{t('library.plan1')}</li>
          <li>{t('library.plan2')}</li>
          <li>{t('library.plan3')}</li>
        </ul>
      </div>
    </Page>
  );
}
