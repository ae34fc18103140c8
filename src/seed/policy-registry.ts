import type { Db } from '@/server/db/database';
import { documents, partnerships, targets, type Localised } from '@/modules/policy/policy.tables';
import type { FigureKey } from '@/modules/policy/policy.figures';
import type { DocumentKind, DocumentStatus, PeerQuestion } from '@/modules/policy/policy.registry.schema';

/**
 * Azerbaijan's registry of education-technology policies, from the country profiles in the design's seeds (the
 * UNESCO-IITE profile, the timeline of programmes, the ministry's report): its laws, strategies, state
 * programmes and concepts, the targets they set measured by the platform's live figures, and the partnerships
 * with companies. The same at every scale: it is the country's, not the demo's. Where a profile gives only
 * the year, the document is dated 1 January of it (the ministry corrects the day in the registry); official
 * numbers and links are left for the ministry to fill in rather than guessed.
 */

const l = (az: string, ru: string, en: string): Localised => ({ az, ru, en });

const PRESIDENT = l(
  'Azərbaycan Respublikasının Prezidenti',
  'Президент Азербайджанской Республики',
  'President of the Republic of Azerbaijan',
);
const PARLIAMENT = l('Milli Məclis', 'Милли Меджлис', 'Milli Majlis (Parliament)');
const CABINET = l('Nazirlər Kabineti', 'Кабинет министров', 'Cabinet of Ministers');
const MINISTRY = l(
  'Elm və Təhsil Nazirliyi',
  'Министерство науки и образования',
  'Ministry of Science and Education',
);

interface SeedTarget {
  description: Localised;
  indicator: FigureKey;
  baseline: number;
  target: number;
  dueOn: string | null;
}
interface SeedDocument {
  key: string;
  kind: DocumentKind;
  title: Localised;
  issuer: Localised;
  adoptedOn: string;
  amendedOn?: string;
  period?: [string, string];
  status: DocumentStatus;
  summary: Localised;
  topics: string[];
  peer?: PeerQuestion[];
  targets?: SeedTarget[];
}

const DOCUMENTS: SeedDocument[] = [
  {
    key: 'info-law',
    kind: 'law',
    title: l(
      'İnformasiya, informasiyalaşdırma və informasiyanın mühafizəsi haqqında Qanun',
      'Закон об информации, информатизации и защите информации',
      'Law on information, informatisation and the protection of information',
    ),
    issuer: PARLIAMENT,
    adoptedOn: '1998-04-03',
    status: 'in_force',
    summary: l(
      'İnformasiya ehtiyatlarının toplanması, emalı, saxlanması və yayılması, informasiya sistemlərinin yaradılması və informasiyanın mühafizəsi ilə bağlı münasibətləri tənzimləyir.',
      'Регулирует отношения, связанные со сбором, обработкой, хранением и распространением информации, созданием информационных систем и защитой информации.',
      'Regulates the collection, processing, storage and distribution of information, the creation of information systems and the protection of information.',
    ),
    topics: ['2.4'],
    peer: ['data_privacy'],
  },
  {
    key: 'ict-strategy',
    kind: 'strategy',
    title: l(
      'Azərbaycan Respublikasının inkişafı naminə informasiya və kommunikasiya texnologiyaları üzrə Milli Strategiya (2003–2012)',
      'Национальная стратегия по информационно-коммуникационным технологиям во имя развития Азербайджанской Республики (2003–2012)',
      'National ICT Strategy for the Development of the Republic of Azerbaijan (2003–2012)',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2003-02-17',
    period: ['2003-01-01', '2012-12-31'],
    status: 'completed',
    summary: l(
      'Əhalinin İKT savadlılığını artırmaq, rəqəmsal bərabərsizliyi aradan qaldırmaq, təhsil sistemini müasirləşdirmək, distant və ömürboyu təhsili tətbiq etmək.',
      'Повысить ИКТ-грамотность населения, преодолеть цифровое неравенство, модернизировать систему образования, внедрить дистанционное обучение и обучение в течение всей жизни.',
      'Raise the population’s ICT literacy, close the digital divide, modernise education and bring in distance and lifelong learning.',
    ),
    topics: ['2.1', '2.3'],
  },
  {
    key: 'schools-ict-2005',
    kind: 'state_programme',
    title: l(
      'Ümumtəhsil məktəblərinin informasiya və kommunikasiya texnologiyaları ilə təchizatı Proqramı (2005–2007)',
      'Программа обеспечения общеобразовательных школ информационно-коммуникационными технологиями (2005–2007)',
      'State Programme for providing general education schools with ICT (2005–2007)',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2004-08-21',
    period: ['2005-01-01', '2007-12-31'],
    status: 'completed',
    summary: l(
      'Yeni informasiya texnologiyaları ilə təhsilin keyfiyyətini yüksəldən vahid təhsil informasiya mühiti yaratmaq; müəllimlərin İKT hazırlığı (2005–2007-ci illərdə 13 000-dən çox müəllim).',
      'Создать единую образовательную информационную среду, повышающую качество образования за счёт новых технологий; подготовка учителей по ИКТ (более 13 000 учителей в 2005–2007 гг.).',
      'Create a single educational information environment that improves quality through new technologies; ICT training of teachers (over 13,000 in 2005–2007).',
    ),
    topics: ['2.1', '2.2', '2.3'],
    peer: ['connectivity'],
  },
  {
    key: 'informatisation-2008',
    kind: 'state_programme',
    title: l(
      '2008–2012-ci illərdə Azərbaycan Respublikasında təhsil sisteminin informasiyalaşdırılması üzrə Dövlət Proqramı',
      'Государственная программа по информатизации системы образования в Азербайджанской Республике на 2008–2012 годы',
      'State Programme on the informatisation of the education system in 2008–2012',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2008-06-10',
    period: ['2008-01-01', '2012-12-31'],
    status: 'completed',
    summary: l(
      'Bütün məktəbləri birləşdirən Azərbaycan Təhsil Şəbəkəsi (AzEduNet), məktəblərə 38 400 kompüter (bir kompüterə 16 şagird), müəllimlərin İKT hazırlığı və Təhsil sisteminin kompüterləşdirilməsi şöbəsi.',
      'Азербайджанская образовательная сеть (AzEduNet), объединяющая все школы, 38 400 компьютеров школам (16 учащихся на компьютер), ИКТ-подготовка учителей и отдел компьютеризации системы образования.',
      'The Azerbaijan Education Network (AzEduNet) joining every school, 38,400 computers for schools (16 learners per computer), ICT training of teachers, and the Education System Computerisation Department.',
    ),
    topics: ['2.1', '2.2', '2.3', '3.1'],
    peer: ['connectivity', 'lead_body'],
    targets: [
      {
        description: l('Bir kompüterə 16 şagird', '16 учащихся на компьютер', '16 learners per computer'),
        indicator: 'learners_per_computer',
        baseline: 25,
        target: 16,
        dueOn: '2012-12-31',
      },
    ],
  },
  {
    key: 'azerbaijan-2020',
    kind: 'concept',
    title: l(
      '«Azərbaycan 2020: gələcəyə baxış» İnkişaf Konsepsiyası',
      'Концепция развития «Азербайджан 2020: взгляд в будущее»',
      'Development Concept “Azerbaijan 2020: A vision of the future”',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2012-12-29',
    period: ['2013-01-01', '2020-12-31'],
    status: 'completed',
    summary: l(
      'Hər müəllimin İKT bacarıqları qazanması üçün çevik sistem; kibertəhlükəsizlik sahəsində ümummilli hazırlıq və maarifləndirmə.',
      'Гибкая система, позволяющая каждому учителю овладеть навыками ИКТ; общенациональная готовность и осведомлённость в области кибербезопасности.',
      'A flexible system for every teacher to acquire ICT skills; nationwide preparedness and awareness of cybersecurity.',
    ),
    topics: ['2.3', '2.4'],
  },
  {
    key: 'education-law',
    kind: 'law',
    title: l('Təhsil haqqında Qanun', 'Закон об образовании', 'Law on Education'),
    issuer: PARLIAMENT,
    adoptedOn: '2009-06-19',
    status: 'in_force',
    summary: l(
      'Dövlət təhsil müəssisələrini informasiya və kommunikasiya texnologiyaları, rəqəmsal təhsil resursları ilə təmin edir; distant təhsili elektron, telekommunikasiya və proqram-texniki vasitələrə əsaslanan təhsil forması kimi müəyyən edir.',
      'Обязывает государство обеспечивать учреждения образования ИКТ и цифровыми ресурсами; определяет дистанционное обучение как форму образования на основе электронных, телекоммуникационных и программно-технических средств.',
      'Has the state provide public institutions with ICT and digital resources; defines distance education as education organised through electronic, telecommunication and software means.',
    ),
    topics: ['1', '2.1'],
  },
  {
    key: 'education-strategy',
    kind: 'strategy',
    title: l(
      'Azərbaycan Respublikasında təhsilin inkişafı üzrə Dövlət Strategiyası',
      'Государственная стратегия развития образования в Азербайджанской Республике',
      'State Strategy for the development of education in the Republic of Azerbaijan',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2013-10-24',
    status: 'in_force',
    summary: l(
      'Hər təhsil müəssisəsini internetlə, ümumi orta təhsil səviyyəsində hər şagirdi elektron dərslik yüklənmiş planşet-kompüterlə təmin etmək; İKT əsaslı təhsil infrastrukturu və müəllimlərin hazırlığı.',
      'Обеспечить каждое учебное заведение интернетом, каждого ученика общего среднего образования — планшетом с электронными учебниками; ИКТ-инфраструктура и подготовка учителей.',
      'Provide every educational institution with the internet and every general-secondary student with a tablet loaded with e-textbooks; ICT-based infrastructure and teacher training.',
    ),
    topics: ['2.1', '2.2', '2.3'],
    peer: ['connectivity', 'one_device'],
    targets: [
      {
        description: l(
          'Hər təhsil müəssisəsi internetlə təmin olunsun',
          'Каждое учебное заведение обеспечено интернетом',
          'Every educational institution provided with the internet',
        ),
        indicator: 'schools_internet_teaching',
        baseline: 0,
        target: 100,
        dueOn: null,
      },
    ],
  },
  {
    key: 'informatisation-2013',
    kind: 'state_programme',
    title: l(
      'Azərbaycan Respublikasında təhsil sisteminin informasiyalaşdırılması Dövlət Proqramı (2013–2020)',
      'Государственная программа информатизации системы образования Азербайджанской Республики (2013–2020)',
      'State Programme on the informatisation of the education system (2013–2020)',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2013-01-01',
    period: ['2013-01-01', '2020-12-31'],
    status: 'completed',
    summary: l(
      'Ucqar bölgələrdəkilər də daxil olmaqla bütün təhsil müəssisələrinin internetə çıxışı və «1 şagird – 1 kompüter» proqramı; məktəblərə noutbuk, proyektor və elektron lövhələr.',
      'Доступ к интернету для всех учебных заведений, включая отдалённые, и программа «1 ученик – 1 компьютер»; ноутбуки, проекторы и электронные доски для школ.',
      'Internet access for every institution, remote ones included, and the “1 pupil – 1 computer” programme; laptops, projectors and electronic boards for schools.',
    ),
    topics: ['2.2'],
    peer: ['connectivity', 'one_device'],
    targets: [
      {
        description: l(
          'Məktəblərin hamısı tədris üçün internetə qoşulsun',
          'Все школы подключены к интернету для обучения',
          'All schools connected to the internet for teaching',
        ),
        indicator: 'schools_internet_teaching',
        baseline: 40,
        target: 100,
        dueOn: '2020-12-31',
      },
      {
        description: l(
          'Hər məktəbdə tədris üçün kompüterlər',
          'Компьютеры для обучения в каждой школе',
          'Computers for teaching in every school',
        ),
        indicator: 'schools_computers_teaching',
        baseline: 60,
        target: 100,
        dueOn: '2020-12-31',
      },
    ],
  },
  {
    key: 'info-society-2014',
    kind: 'strategy',
    title: l(
      'Azərbaycan Respublikasında informasiya cəmiyyətinin inkişafına dair 2014–2020-ci illər üçün Milli Strategiya',
      'Национальная стратегия развития информационного общества в Азербайджанской Республике на 2014–2020 годы',
      'National Strategy for the development of the information society for 2014–2020',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2014-04-02',
    period: ['2014-01-01', '2020-12-31'],
    status: 'completed',
    summary: l(
      'İKT-nin təhsildə istifadəsi, texnoloji infrastruktur və distant təhsil; ölkənin informasiya məkanının təhlükəsizliyi.',
      'Использование ИКТ в образовании, технологическая инфраструктура и дистанционное обучение; безопасность информационного пространства страны.',
      'ICT in education, technological infrastructure and distance education; the safety of the country’s information space.',
    ),
    topics: ['2.2', '2.4'],
  },
  {
    key: 'info-society-programme-2016',
    kind: 'state_programme',
    title: l(
      'İnformasiya cəmiyyətinin inkişafına dair Milli Strategiyanın həyata keçirilməsi üzrə 2016–2020-ci illər üçün Dövlət Proqramı',
      'Государственная программа по реализации Национальной стратегии развития информационного общества на 2016–2020 годы',
      'State Programme for implementing the National Strategy for the information society, 2016–2020',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2016-01-01',
    period: ['2016-01-01', '2020-12-31'],
    status: 'completed',
    summary: l(
      'Peşə təhsilində multimedia texnologiyaları və virtual təhsil; bütün təhsil səviyyələrində İKT-nin tətbiqi; kibertəhlükəsizlik sahəsində maarifləndirmə.',
      'Мультимедийные технологии и виртуальное обучение в профессиональном образовании; ИКТ на всех уровнях образования; осведомлённость о кибербезопасности.',
      'Multimedia technologies and virtual education in vocational education; ICT at every level of education; awareness of cybersecurity.',
    ),
    topics: ['2.3', '2.4'],
  },
  {
    key: 'road-maps-2016',
    kind: 'strategy',
    title: l(
      'Milli iqtisadiyyat və iqtisadiyyatın əsas sektorları üzrə Strateji Yol Xəritələri',
      'Стратегические дорожные карты по национальной экономике и основным секторам экономики',
      'Strategic road maps for the national economy and its main sectors',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2016-12-06',
    status: 'in_force',
    summary: l(
      'İnsan kapitalının inkişafı və təhsilin keyfiyyəti (strateji hədəf 3); təhsil sistemində İKT bilik və bacarıqları (prioritet 2.5).',
      'Развитие человеческого капитала и качество образования (стратегическая цель 3); знания и навыки ИКТ в системе образования (приоритет 2.5).',
      'Human capital and the quality of education (strategic target 3); ICT knowledge and skills in the education system (priority 2.5).',
    ),
    topics: ['2.1', '2.3'],
  },
  {
    key: 'digital-education-concept',
    kind: 'concept',
    title: l('Rəqəmsal Təhsil Konsepsiyası', 'Концепция цифрового образования', 'Digital Education Concept'),
    issuer: MINISTRY,
    adoptedOn: '2018-01-01',
    status: 'in_force',
    summary: l(
      'Yüksək keyfiyyətli elektron materiallar (elektron kitablar, açıq tədris materialları) və distant təhsil əsasında rəqəmsal təhsil; müəllim və şagirdlərin rəqəmsal resurslara və avadanlığa çıxışı.',
      'Цифровое образование на основе качественных электронных материалов (электронные книги, открытые материалы) и дистанционного обучения; доступ учителей и учащихся к цифровым ресурсам и оборудованию.',
      'Digital education built on high-quality electronic materials (e-books, open learning materials) and distance learning; teachers’ and learners’ access to digital resources and equipment.',
    ),
    topics: ['2.1', '2.2'],
    targets: [
      {
        description: l(
          'Video portalda 14 404 resurs və planlaşdırılan daha 3 180 resurs',
          '14 404 ресурса видеопортала и ещё 3 180 запланированных',
          'The video portal’s 14,404 resources and 3,180 more planned',
        ),
        indicator: 'library_resources',
        baseline: 0,
        target: 17584,
        dueOn: null,
      },
    ],
  },
  {
    key: 'qualifications-framework',
    kind: 'regulation',
    title: l(
      'Azərbaycan Respublikasının ömürboyu təhsil üzrə Milli Kvalifikasiyalar Çərçivəsi',
      'Национальная рамка квалификаций для образования в течение всей жизни',
      'National Qualifications Framework for Lifelong Education',
    ),
    issuer: CABINET,
    adoptedOn: '2018-01-01',
    status: 'in_force',
    summary: l(
      'Ümumi orta təhsil (ikinci səviyyə) müasir texnologiyaların istifadə olunduğu şəraitdə fəaliyyət göstərməyi və onları məqsədyönlü, minimal risklə istifadə etməyi tələb edir.',
      'Общее среднее образование (второй уровень) требует умения действовать в условиях современных технологий и использовать их целенаправленно и с минимальным риском.',
      'General secondary education (level two) asks for working where modern technologies are used, using them purposefully and with as little risk as possible.',
    ),
    topics: ['2.3'],
    peer: ['learner_skills_framework'],
  },
  {
    key: 'socio-economic-2022',
    kind: 'strategy',
    title: l(
      'Azərbaycan Respublikasının 2022–2026-cı illərdə sosial-iqtisadi inkişaf Strategiyası',
      'Стратегия социально-экономического развития Азербайджанской Республики на 2022–2026 годы',
      'Socio-economic development strategy of the Republic of Azerbaijan, 2022–2026',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2022-07-22',
    period: ['2022-01-01', '2026-12-31'],
    status: 'in_force',
    summary: l(
      'Erkən yaşdan rəqəmsal bacarıqlar, təhsildə İKT-nin tətbiqi və distant təhsil imkanlarının genişləndirilməsi; «Ağıllı şəhər» və «Ağıllı kənd».',
      'Цифровые навыки с раннего возраста, применение ИКТ в образовании и расширение дистанционного обучения; «Умный город» и «Умное село».',
      'Digital skills from an early age, ICT in education and wider distance learning; “Smart city” and “Smart village”.',
    ),
    topics: ['2.1', '2.2', '2.3'],
    peer: ['connectivity'],
    targets: [
      {
        description: l(
          'Bir tədris kompüterinə 10 şagird',
          '10 учащихся на учебный компьютер',
          '10 learners per teaching computer',
        ),
        indicator: 'learners_per_computer',
        baseline: 18,
        target: 10,
        dueOn: '2026-12-31',
      },
      {
        description: l(
          'Müəllimlərin 90 %-i İKT üzrə hazırlıq keçsin',
          '90 % учителей обучены ИКТ',
          '90% of teachers trained in ICT',
        ),
        indicator: 'teachers_ict_trained_share',
        baseline: 50,
        target: 90,
        dueOn: '2026-12-31',
      },
    ],
  },
  {
    key: 'fibre-decree-2022',
    kind: 'regulation',
    title: l(
      'Ölkə üzrə məktəblərin fiber-optik bağlantısı üçün investisiya xərclərinin ayrılması haqqında Fərman',
      'Указ о выделении средств на инвестиционные расходы для оптоволоконного подключения школ по всей стране',
      'Decree allocating investment funds for the fibre-optic connection of schools across the country',
    ),
    issuer: PRESIDENT,
    adoptedOn: '2022-01-01',
    status: 'in_force',
    summary: l(
      'Ölkənin bütün məktəblərinin fiber-optik bağlantısı üçün vəsait ayrılır.',
      'Выделяются средства на оптоволоконное подключение школ всей страны.',
      'Funds the fibre-optic connection of schools across the country.',
    ),
    topics: ['2.2'],
    peer: ['connectivity'],
    targets: [
      {
        description: l(
          'Təhsil şəbəkəsinə qoşulmuş 4 311 müəssisə',
          '4 311 учреждений в образовательной сети',
          '4,311 institutions on the education network',
        ),
        indicator: 'schools_education_network',
        baseline: 0,
        target: 4311,
        dueOn: null,
      },
    ],
  },
];

interface SeedPartnership {
  partner: string;
  contribution: Localised;
  quantity: number | null;
  startedOn: string;
  endedOn?: string;
  document?: string;
  topics: string[];
}

const PARTNERSHIPS: SeedPartnership[] = [
  {
    partner: 'Project Harmony',
    contribution: l(
      'Məktəblərdə internet mərkəzləri və resurs mərkəzləri, müəllimlərin hazırlığı',
      'Интернет-центры и ресурсные центры в школах, подготовка учителей',
      'Internet centres and resource centres in schools, and teacher training',
    ),
    quantity: null,
    startedOn: '2002-01-01',
    topics: ['2.2', '2.3'],
  },
  {
    partner: 'Cisco Systems',
    contribution: l(
      'Bakı və Sumqayıtın 218 məktəbi internetə qoşuldu',
      '218 школ Баку и Сумгайыта подключены к интернету',
      '218 schools of Baku and Sumgait connected to the internet',
    ),
    quantity: 218,
    startedOn: '2006-01-01',
    document: 'schools-ict-2005',
    topics: ['2.2'],
  },
  {
    partner: 'Microsoft',
    contribution: l(
      'Təhsil Tərəfdaşlığı Təşəbbüsü: 2007-ci ilin dekabrınadək 10 layihə',
      'Инициатива «Партнёрство в образовании»: 10 проектов до декабря 2007 года',
      'Education Partnership Initiative: 10 projects up to December 2007',
    ),
    quantity: 10,
    startedOn: '2006-01-01',
    endedOn: '2007-12-31',
    topics: ['2.3'],
  },
  {
    partner: 'HP, Microsoft Azərbaycan',
    contribution: l(
      '«Xalq Kompüteri»: 3 500 müəllim güzəştli kompüter aldı',
      '«Народный компьютер»: 3 500 учителей приобрели компьютеры по льготной цене',
      'National PC project: 3,500 teachers bought computers at reduced cost',
    ),
    quantity: 3500,
    startedOn: '2009-01-01',
    topics: ['2.2'],
  },
  {
    partner: 'European Commission (eTwinning Plus)',
    contribution: l(
      'Məktəblərin Avropa İttifaqı məktəbləri ilə İKT vasitəsilə birgə layihələri',
      'Совместные проекты школ со школами Европейского союза с помощью ИКТ',
      'Schools’ joint projects with European Union schools through ICT',
    ),
    quantity: null,
    startedOn: '2013-01-01',
    topics: ['2.3'],
  },
  {
    partner: 'Azercell',
    contribution: l(
      '30 000 müəllimə aylıq internet paketləri (Virtual məktəb)',
      'Ежемесячные интернет-пакеты для 30 000 учителей (Виртуальная школа)',
      'Monthly internet packages for 30,000 teachers (Virtual School)',
    ),
    quantity: 30000,
    startedOn: '2020-04-02',
    topics: ['2.2'],
  },
  {
    partner: 'AzEduNet',
    contribution: l(
      '10 000 müəllimə aylıq internet paketləri (Virtual məktəb)',
      'Ежемесячные интернет-пакеты для 10 000 учителей (Виртуальная школа)',
      'Monthly internet packages for 10,000 teachers (Virtual School)',
    ),
    quantity: 10000,
    startedOn: '2020-04-02',
    topics: ['2.2'],
  },
  {
    partner: 'BestComp',
    contribution: l(
      '1 000 kompüter və cəbhəyanı təhsil müəssisələrində internet-kompüter mərkəzləri',
      '1 000 компьютеров и интернет-компьютерные центры в прифронтовых учебных заведениях',
      '1,000 computers and internet computer centres in front-line schools',
    ),
    quantity: 1000,
    startedOn: '2020-04-02',
    topics: ['2.2'],
  },
  {
    partner: 'Algoritmika',
    contribution: l(
      '«Rəqəmsal bacarıqlar» layihəsi: 418 məktəbdən təxminən 300 000 şagird',
      'Проект «Цифровые навыки»: около 300 000 учащихся из 418 школ',
      'The Digital skills project: about 300,000 students from 418 schools',
    ),
    quantity: 300000,
    startedOn: '2021-01-01',
    document: 'socio-economic-2022',
    topics: ['2.3'],
  },
];

export interface PolicyRegistrySummary {
  documents: number;
  targets: number;
  partnerships: number;
}

/** Writes the country's registry of policies; idempotent for an empty registry only (the seed runs once). */
export async function seedPolicyRegistry(db: Db): Promise<PolicyRegistrySummary> {
  const ids = new Map<string, number>();
  let targetCount = 0;
  for (const d of DOCUMENTS) {
    const [row] = await db
      .insert(documents)
      .values({
        kind: d.kind,
        title: d.title,
        issuer: d.issuer,
        adoptedOn: d.adoptedOn,
        amendedOn: d.amendedOn ?? null,
        periodStart: d.period?.[0] ?? null,
        periodEnd: d.period?.[1] ?? null,
        status: d.status,
        summary: d.summary,
        topics: d.topics,
        peer: d.peer ?? [],
      })
      .returning({ id: documents.id });
    ids.set(d.key, row!.id);
    if (d.targets?.length) {
      await db.insert(targets).values(
        d.targets.map((t, position) => ({
          documentId: row!.id,
          position,
          description: t.description,
          indicator: t.indicator,
          baseline: String(t.baseline),
          target: String(t.target),
          dueOn: t.dueOn,
        })),
      );
      targetCount += d.targets.length;
    }
  }
  await db.insert(partnerships).values(
    PARTNERSHIPS.map((p) => ({
      partner: p.partner,
      contribution: p.contribution,
      quantity: p.quantity,
      startedOn: p.startedOn,
      endedOn: p.endedOn ?? null,
      documentId: p.document ? (ids.get(p.document) ?? null) : null,
      topics: p.topics,
    })),
  );
  return { documents: DOCUMENTS.length, targets: targetCount, partnerships: PARTNERSHIPS.length };
}

/** The seed's log line. */
export function describePolicyRegistry(s: PolicyRegistrySummary): string {
  return `policy registry: ${s.documents} documents, ${s.targets} targets, ${s.partnerships} partnerships`;
}
