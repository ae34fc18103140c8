import type { Db } from '@/server/db/database';
import { sectionTexts } from '@/modules/policy/policy.tables';
import type { SectionId } from '@/modules/policy/policy.profile.messages';
import { generate } from '@/modules/policy/policy.profile.service';
import { LOCALES } from '@/server/i18n';
import * as store from '@/modules/policy/policy.profile.store';
import type { Localised } from '@/modules/policy/policy.tables';

/**
 * The demo's country profile: the ministry's text of each section of the PEER outline, in az/ru/en, written
 * from Azerbaijan's UNESCO-IITE technology-in-education profile (`shared/seeds`), with the figures left to the
 * platform (the profile inserts them live); and its first edition, published from the seeded demo so that
 * the public sees an edition and what has changed since. Runs after the registry's seed, so the edition lists
 * its policies.
 */

export const PROFILE_TEXTS: Record<SectionId, Localised> = {
  '1': {
    en: `The Law on Education (2009) and the policy documents that followed speak of information and communication technologies (ICT) in education, digital educational resources and e-education, but none of them defines educational technology itself.

The exception is distance education, which the Law on Education defines as the form of education in which the educational process is organised by electronic, telecommunication and software means.`,
    az: `Təhsil haqqında Qanun (2009) və ondan sonra qəbul edilmiş siyasət sənədləri təhsildə informasiya-kommunikasiya texnologiyalarından (İKT), rəqəmsal təhsil resurslarından və elektron təhsildən bəhs edir, lakin onların heç biri təhsil texnologiyasının özünü müəyyən etmir.

İstisna distant təhsildir: Təhsil haqqında Qanun onu təhsil prosesinin elektron, telekommunikasiya və proqram-texniki vasitələr əsasında təşkil edildiyi təhsil forması kimi müəyyən edir.`,
    ru: `Закон об образовании (2009) и последующие программные документы говорят об информационно-коммуникационных технологиях (ИКТ) в образовании, цифровых образовательных ресурсах и электронном образовании, но ни один из них не определяет само понятие образовательной технологии.

Исключение — дистанционное обучение: Закон об образовании определяет его как форму обучения, при которой учебный процесс организуется на основе электронных, телекоммуникационных и программно-технических средств.`,
  },
  '2.1': {
    en: `Article 42 of the Constitution guarantees every citizen the right to education and free compulsory general secondary education. The Law on Education (2009) makes it a duty of the state to provide public educational institutions with ICT, digital educational resources and other technical means; the Law on General Education (2019) adds the conditions for applying modern educational technologies and for teachers' professional development.

Three state programmes carried ICT into schools: the provision of general education schools with ICT (2005–2007), the informatisation of the education system (2008–2012) and its successor (2013–2020). The State Strategy for the Development of Education (2013) aims to give every institution the internet and every pupil a device with electronic textbooks; the Digital Education Concept (2018) and the socio-economic development strategy for 2022–2026 continue that direction. In 2022 a presidential decree funded fibre-optic connections for schools across the country.

There is no national digital competency framework for learners or teachers yet; the National Qualifications Framework (2018) expects a holder of the general secondary certificate to work where modern technologies are used.`,
    az: `Konstitusiyanın 42-ci maddəsi hər bir vətəndaşa təhsil hüququna və pulsuz icbari ümumi orta təhsilə təminat verir. Təhsil haqqında Qanun (2009) dövlət təhsil müəssisələrinin İKT, rəqəmsal təhsil resursları və digər texniki vasitələrlə təmin edilməsini dövlətin vəzifəsi kimi müəyyən edir; Ümumi təhsil haqqında Qanun (2019) müasir təhsil texnologiyalarının tətbiqi və müəllimlərin peşəkar inkişafı üçün şərait yaradılmasını əlavə edir.

İKT-nin məktəblərə gətirilməsini üç dövlət proqramı təmin edib: ümumtəhsil məktəblərinin İKT ilə təchizatı (2005–2007), təhsil sisteminin informasiyalaşdırılması (2008–2012) və onun davamı (2013–2020). Təhsilin İnkişafı üzrə Dövlət Strategiyası (2013) hər bir müəssisəni internetlə, hər bir şagirdi elektron dərsliklər yüklənmiş qurğu ilə təmin etməyi qarşıya məqsəd qoyur; Rəqəmsal Təhsil Konsepsiyası (2018) və 2022–2026-cı illər üçün sosial-iqtisadi inkişaf strategiyası bu istiqaməti davam etdirir. 2022-ci ildə Prezidentin fərmanı ilə ölkə üzrə məktəblərin fiber-optik xətlərə qoşulması üçün vəsait ayrılıb.

Şagirdlər və müəllimlər üçün milli rəqəmsal səriştə çərçivəsi hələ hazırlanmayıb; Milli Kvalifikasiyalar Çərçivəsi (2018) ümumi orta təhsil haqqında sənədi olan şəxsdən müasir texnologiyaların tətbiq edildiyi şəraitdə işləməyi bacarmağı gözləyir.`,
    ru: `Статья 42 Конституции гарантирует каждому гражданину право на образование и бесплатное обязательное общее среднее образование. Закон об образовании (2009) возлагает на государство обеспечение государственных учебных заведений ИКТ, цифровыми образовательными ресурсами и другими техническими средствами; Закон об общем образовании (2019) добавляет условия для применения современных образовательных технологий и профессионального развития учителей.

ИКТ пришли в школы благодаря трём государственным программам: обеспечение общеобразовательных школ ИКТ (2005–2007), информатизация системы образования (2008–2012) и её продолжение (2013–2020). Государственная стратегия развития образования (2013) ставит целью обеспечить каждое учреждение интернетом, а каждого ученика — устройством с электронными учебниками; Концепция цифрового образования (2018) и стратегия социально-экономического развития на 2022–2026 годы продолжают это направление. В 2022 году указом Президента выделены средства на подключение школ страны к оптоволоконным линиям.

Национальной рамки цифровых компетенций для учащихся и учителей пока нет; Национальная рамка квалификаций (2018) ожидает от обладателя аттестата об общем среднем образовании умения работать там, где применяются современные технологии.`,
  },
  '2.2': {
    en: `Computers are distributed to general education institutions every year by a plan of the Ministry of Science and Education: schools apply, the ministry examines the applications and allocates, taking into account the school's connection to the Azerbaijan Education Network, how many pupils it teaches in each shift, and the projects it takes part in. Maktab runs this distribution and the schools' ICT registry, from which the figures below are computed.

Schools are connected to the corporate network of the education system (AzEduNet) and to the internet. During the pandemic, partners gave monthly internet packages to teachers and computers to front-line schools; the Virtual School and the tele-lessons kept education going, and the national video portal holds video lessons, TV lessons and e-textbooks aligned with the curricula.`,
    az: `Ümumtəhsil müəssisələrinə kompüterlər hər il Elm və Təhsil Nazirliyinin planı əsasında paylanır: məktəblər müraciət edir, nazirlik müraciətləri araşdırır və bölgü aparır; bu zaman məktəbin Azərbaycan Təhsil Şəbəkəsinə qoşulması, hər növbədə oxuyan şagirdlərin sayı və iştirak etdiyi layihələr nəzərə alınır. Bu bölgünü və məktəblərin İKT reyestrini Maktab aparır; aşağıdakı göstəricilər onlardan hesablanır.

Məktəblər təhsil sisteminin korporativ şəbəkəsinə (AzEduNet) və internetə qoşulub. Pandemiya dövründə tərəfdaşlar müəllimlərə aylıq internet paketləri, cəbhəyanı məktəblərə kompüterlər verdi; Virtual Məktəb və teledərslər təhsilin davamlılığını təmin etdi, milli video portalda isə kurikuluma uyğunlaşdırılmış video dərslər, teledərslər və elektron dərsliklər yerləşdirilib.`,
    ru: `Компьютеры распределяются между общеобразовательными учреждениями ежегодно по плану Министерства науки и образования: школы подают заявки, министерство рассматривает их и распределяет технику с учётом подключения школы к Азербайджанской образовательной сети, числа учащихся в каждой смене и проектов, в которых школа участвует. Это распределение и реестр ИКТ школ ведёт Maktab; показатели ниже вычисляются по ним.

Школы подключены к корпоративной сети системы образования (AzEduNet) и к интернету. Во время пандемии партнёры предоставили учителям ежемесячные интернет-пакеты, а прифронтовым школам — компьютеры; Виртуальная школа и телеуроки обеспечили непрерывность обучения, а национальный видеопортал содержит видеоуроки, телеуроки и электронные учебники, согласованные с учебными программами.`,
  },
  '2.3': {
    en: `No law or strategy sets concrete standards for learners' or teachers' digital skills. The State standard and curricula of general education name digital literacy among the competences to be formed, and informatics is taught from primary to full secondary school; the Digital skills and STEAM projects teach algorithmic thinking, programming and integrated science in selected schools.

The ministry determines teachers' training needs every year and prepares training packages; teachers assess their ICT competence on the platform, and their training, webinars and certificates are recorded there, so the figures below count what was actually done.`,
    az: `Heç bir qanun və ya strategiya şagirdlərin və müəllimlərin rəqəmsal bacarıqları üçün konkret standart müəyyən etmir. Ümumi təhsil səviyyəsinin dövlət standartı və proqramları (kurikulumları) rəqəmsal savadlılığı formalaşdırılmalı olan səriştələr sırasında göstərir, informatika ibtidai səviyyədən tam orta səviyyəyə qədər tədris olunur; Rəqəmsal bacarıqlar və STEAM layihələri seçilmiş məktəblərdə alqoritmik təfəkkürü, proqramlaşdırmanı və inteqrasiya olunmuş elmləri öyrədir.

Nazirlik hər il müəllimlərin təlim ehtiyaclarını müəyyən edir və təlim paketləri hazırlayır; müəllimlər İKT səriştələrini platformada özləri qiymətləndirir, onların təlimləri, vebinarları və sertifikatları orada qeydə alınır, buna görə aşağıdakı göstəricilər faktiki görülən işi hesablayır.`,
    ru: `Ни один закон или стратегия не устанавливает конкретных стандартов цифровых навыков учащихся и учителей. Государственный стандарт и программы (куррикулумы) общего образования называют цифровую грамотность среди формируемых компетенций, информатика преподаётся от начальной до полной средней школы; проекты «Цифровые навыки» и STEAM обучают алгоритмическому мышлению, программированию и интегрированным естественным наукам в отдельных школах.

Министерство ежегодно определяет потребности учителей в обучении и готовит учебные пакеты; учителя оценивают свою ИКТ-компетентность на платформе, там же учитываются их обучение, вебинары и сертификаты, поэтому показатели ниже отражают фактически сделанное.`,
  },
  '2.4': {
    en: `No law or policy addresses data privacy in the use of technology in education; the Law on Information, Informatisation and Protection of Information governs how information is collected, processed, stored and protected. The information society strategy (2014–2020) and its state programme (2016–2020) call for protecting the country's information space and raising awareness of cybersecurity.

Online abuse and cyberbullying of learners are not named in legislation. The internet given to schools over the education network is filtered: the platform's filter blocks harmful content in some sixty categories, in Azerbaijani, English and Russian. Every year schools take part in Safer Internet Day events for grades V–XI.`,
    az: `Təhsildə texnologiyadan istifadə zamanı məlumatların məxfiliyinə dair qanun və ya siyasət sənədi yoxdur; məlumatın toplanması, işlənməsi, saxlanması və mühafizəsini İnformasiya, informasiyalaşdırma və informasiyanın mühafizəsi haqqında Qanun tənzimləyir. İnformasiya cəmiyyətinin inkişafı üzrə strategiya (2014–2020) və onun dövlət proqramı (2016–2020) ölkənin informasiya məkanının qorunmasını və kibertəhlükəsizlik sahəsində maarifləndirmənin artırılmasını nəzərdə tutur.

Şagirdlərə qarşı onlayn zorakılıq və kiberbullinq qanunvericilikdə ayrıca göstərilmir. Təhsil şəbəkəsi üzərindən məktəblərə verilən internet süzgəcdən keçirilir: platformanın süzgəci zərərli məzmunu təxminən altmış kateqoriya üzrə, Azərbaycan, ingilis və rus dillərində bloklayır. Hər il məktəblər V–XI siniflər üçün Təhlükəsiz İnternet Günü tədbirlərində iştirak edir.`,
    ru: `Нет закона или политики, которые касались бы защиты персональных данных при использовании технологий в образовании; сбор, обработку, хранение и защиту информации регулирует Закон об информации, информатизации и защите информации. Стратегия развития информационного общества (2014–2020) и её государственная программа (2016–2020) предусматривают защиту информационного пространства страны и повышение осведомлённости о кибербезопасности.

Онлайн-насилие и кибербуллинг в отношении учащихся в законодательстве не упоминаются. Интернет, предоставляемый школам по образовательной сети, фильтруется: фильтр платформы блокирует вредный контент примерно в шестидесяти категориях на азербайджанском, английском и русском языках. Ежегодно школы участвуют в мероприятиях Дня безопасного интернета для V–XI классов.`,
  },
  '3.1': {
    en: `Azerbaijan has a centralised education system. The Ministry of Science and Education governs it, the Cabinet of Ministers approves most regulations, and the President approves state programmes, strategic road maps and other strategic documents.

Technology in education is the task of the ministry, carried out by its Bureau for ICT in Education, which also weighs investments and monitors the use of technology across the country — on this platform. There is no formal task force of stakeholders; the ministry coordinates with the Ministry of Digital Development and Transport on infrastructure and connectivity.`,
    az: `Azərbaycanda təhsil sistemi mərkəzləşdirilmişdir. Onu Elm və Təhsil Nazirliyi idarə edir, normativ aktların əksəriyyətini Nazirlər Kabineti təsdiq edir, dövlət proqramlarını, strateji yol xəritələrini və digər strateji sənədləri isə Prezident təsdiq edir.

Təhsildə texnologiya nazirliyin vəzifəsidir və onu Təhsildə İKT Bürosu həyata keçirir; büro həmçinin investisiyaları qiymətləndirir və ölkə üzrə texnologiyadan istifadəni bu platformada izləyir. Maraqlı tərəfləri birləşdirən rəsmi işçi qrupu yoxdur; nazirlik infrastruktur və qoşulma məsələlərində Rəqəmsal İnkişaf və Nəqliyyat Nazirliyi ilə əlaqələndirmə aparır.`,
    ru: `В Азербайджане централизованная система образования. Ею руководит Министерство науки и образования, большинство нормативных актов утверждает Кабинет министров, а государственные программы, стратегические дорожные карты и другие стратегические документы — Президент.

Технологии в образовании — задача министерства, которую выполняет его Бюро ИКТ в образовании; бюро также оценивает инвестиции и следит за использованием технологий по всей стране — на этой платформе. Официальной рабочей группы заинтересованных сторон нет; по вопросам инфраструктуры и подключения министерство координирует работу с Министерством цифрового развития и транспорта.`,
  },
  '3.2': {
    en: `Schools work closely with the Bureau for ICT in Education: they keep their ICT registry on the platform, apply for computers, and run their classes, journals and distance learning on it. Their responsibilities for particular devices such as mobile phones or tablets are not defined in law or policy.

There is no nationwide ban on mobile phones in schools; many schools set their own rules restricting phones during lessons.`,
    az: `Məktəblər Təhsildə İKT Bürosu ilə sıx işləyir: İKT reyestrlərini platformada aparır, kompüter üçün müraciət edir, dərslərini, jurnallarını və distant təhsili orada təşkil edir. Mobil telefon və ya planşet kimi ayrı-ayrı qurğulara görə onların vəzifələri qanun və ya siyasət sənədlərində müəyyən edilməyib.

Məktəblərdə mobil telefonlara ümummilli qadağa yoxdur; bir çox məktəb dərs zamanı telefondan istifadəni məhdudlaşdıran öz qaydalarını müəyyən edir.`,
    ru: `Школы тесно работают с Бюро ИКТ в образовании: ведут свой реестр ИКТ на платформе, подают заявки на компьютеры, проводят на ней занятия, ведут журналы и дистанционное обучение. Их обязанности в отношении отдельных устройств, таких как мобильные телефоны или планшеты, законом или политикой не определены.

Общенационального запрета на мобильные телефоны в школах нет; многие школы сами устанавливают правила, ограничивающие телефоны на уроках.`,
  },
};

/** What the profile's seed wrote. */
export interface PolicyProfileSeed {
  sections: number;
  edition: number;
}

/** Writes the sections' text and publishes the first edition (inside the seed's transaction). */
export async function seedPolicyProfile(tx: Db): Promise<PolicyProfileSeed> {
  const entries = Object.entries(PROFILE_TEXTS) as [SectionId, Localised][];
  await tx
    .insert(sectionTexts)
    .values(entries.map(([section, body]) => ({ section, body, version: 1 })))
    .onConflictDoNothing();
  const data = await generate(tx, LOCALES);
  const edition = await store.insertEdition(tx, {
    number: 1,
    publishedBy: null,
    note: {
      az: 'Platformanın canlı məlumatlarından hazırlanmış ilk nəşr.',
      ru: 'Первое издание, составленное по текущим данным платформы.',
      en: 'The first edition generated from the platform’s live data.',
    },
    content: data,
  });
  return { sections: entries.length, edition: edition.number };
}
