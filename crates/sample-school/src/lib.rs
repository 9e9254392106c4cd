//! A realistic, deterministic sample school for demos, tests and benchmarks.
//!
//! The generator uses its own small PRNG (splitmix64), so a given [`SampleOptions`] yields the
//! same document on every platform and in every version of the dependencies.

use exchange_sdk::school::{
    Class, Level, Organization, Parent, Position, SchoolData, SferumId, Staff, Student,
    SubjectGroup, VideoCall, FORMAT,
};
use serde_json::Map;

/// What sample to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SampleOptions {
    /// The exact number of students.
    pub students: usize,
    /// Another seed gives other names, families and Sferum links.
    pub seed: u64,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions {
            students: 500,
            seed: 1,
        }
    }
}

/// Generates a sample school: classes 1 а, 1 б, … 11 б for the default 500 students (as many
/// letters per grade as about 25 students a class needs), a director, a former director, an
/// acting head, deputies, an administrator, teachers, families of one to three children,
/// subject groups from grade 5, a few video calls, and about 70% of people linked to Sferum.
pub fn sample_school(options: &SampleOptions) -> SchoolData {
    let mut rng = Rng(options.seed);
    let classes = plan_classes(options.students);
    let families = plan_families(&mut rng, &classes);
    let mut data = SchoolData {
        format: FORMAT.to_owned(),
        organization: Organization {
            id: "school-239".to_owned(),
            name:
                "ГБОУ средняя общеобразовательная школа № 239 Центрального района Санкт-Петербурга"
                    .to_owned(),
            academic_year: "2026/2027".to_owned(),
            extra: Map::new(),
        },
        staff: Vec::new(),
        classes: Vec::new(),
        students: Vec::new(),
        parents: Vec::new(),
        subject_groups: Vec::new(),
        video_calls: Vec::new(),
        extra: Map::new(),
    };
    add_students_and_parents(&mut rng, &mut data, &classes, &families);
    let teachers = add_staff(&mut rng, &mut data, &classes);
    add_classes(&mut rng, &mut data, &classes, &teachers);
    add_subject_groups(&mut rng, &mut data, &classes, &teachers);
    add_video_calls(&mut rng, &mut data, &classes, &teachers);
    share_teacher_with_parent(&mut rng, &mut data, &teachers);
    data
}

/// Students per class the sample aims at.
const CLASS_SIZE: usize = 25;

/// Class letters as schools use them, with the Latin spelling used in ids.
const LETTERS: [(&str, &str); 27] = [
    ("а", "a"),
    ("б", "b"),
    ("в", "v"),
    ("г", "g"),
    ("д", "d"),
    ("е", "e"),
    ("ж", "zh"),
    ("з", "z"),
    ("и", "i"),
    ("к", "k"),
    ("л", "l"),
    ("м", "m"),
    ("н", "n"),
    ("о", "o"),
    ("п", "p"),
    ("р", "r"),
    ("с", "s"),
    ("т", "t"),
    ("у", "u"),
    ("ф", "f"),
    ("х", "h"),
    ("ц", "ts"),
    ("ч", "ch"),
    ("ш", "sh"),
    ("э", "eh"),
    ("ю", "yu"),
    ("я", "ya"),
];

/// Subjects with the title of their teachers' position; the first ones get extra teachers.
const SUBJECTS: [(&str, &str); 14] = [
    ("Русский язык", "Учитель русского языка и литературы"),
    ("Математика", "Учитель математики"),
    ("Английский язык", "Учитель английского языка"),
    ("Информатика", "Учитель информатики"),
    ("История", "Учитель истории и обществознания"),
    ("Физика", "Учитель физики"),
    ("Химия", "Учитель химии"),
    ("Биология", "Учитель биологии"),
    ("География", "Учитель географии"),
    ("Физическая культура", "Учитель физической культуры"),
    ("Музыка", "Учитель музыки"),
    (
        "Изобразительное искусство",
        "Учитель изобразительного искусства",
    ),
    ("Технология", "Учитель технологии"),
    ("ОБЗР", "Преподаватель-организатор ОБЗР"),
];
const ENGLISH: usize = 2;
const INFORMATICS: usize = 3;
const MATHEMATICS: usize = 1;
/// Subjects that get more teachers in a big school.
const MAIN_SUBJECTS: usize = 5;

/// Male given names with the patronymics they give a son and a daughter.
const MALE: [(&str, &str, &str); 32] = [
    ("Александр", "Александрович", "Александровна"),
    ("Алексей", "Алексеевич", "Алексеевна"),
    ("Андрей", "Андреевич", "Андреевна"),
    ("Антон", "Антонович", "Антоновна"),
    ("Артём", "Артёмович", "Артёмовна"),
    ("Виктор", "Викторович", "Викторовна"),
    ("Владимир", "Владимирович", "Владимировна"),
    ("Григорий", "Григорьевич", "Григорьевна"),
    ("Даниил", "Даниилович", "Данииловна"),
    ("Денис", "Денисович", "Денисовна"),
    ("Дмитрий", "Дмитриевич", "Дмитриевна"),
    ("Евгений", "Евгеньевич", "Евгеньевна"),
    ("Егор", "Егорович", "Егоровна"),
    ("Иван", "Иванович", "Ивановна"),
    ("Игорь", "Игоревич", "Игоревна"),
    ("Илья", "Ильич", "Ильинична"),
    ("Кирилл", "Кириллович", "Кирилловна"),
    ("Константин", "Константинович", "Константиновна"),
    ("Лев", "Львович", "Львовна"),
    ("Марк", "Маркович", "Марковна"),
    ("Матвей", "Матвеевич", "Матвеевна"),
    ("Максим", "Максимович", "Максимовна"),
    ("Михаил", "Михайлович", "Михайловна"),
    ("Никита", "Никитич", "Никитична"),
    ("Николай", "Николаевич", "Николаевна"),
    ("Олег", "Олегович", "Олеговна"),
    ("Павел", "Павлович", "Павловна"),
    ("Пётр", "Петрович", "Петровна"),
    ("Роман", "Романович", "Романовна"),
    ("Сергей", "Сергеевич", "Сергеевна"),
    ("Тимофей", "Тимофеевич", "Тимофеевна"),
    ("Фёдор", "Фёдорович", "Фёдоровна"),
];

const FEMALE: [&str; 30] = [
    "Алёна",
    "Алиса",
    "Анастасия",
    "Анна",
    "Арина",
    "Валерия",
    "Варвара",
    "Вера",
    "Виктория",
    "Галина",
    "Дарья",
    "Ева",
    "Евгения",
    "Екатерина",
    "Елена",
    "Ирина",
    "Ксения",
    "Любовь",
    "Людмила",
    "Марина",
    "Мария",
    "Милана",
    "Наталья",
    "Ольга",
    "Полина",
    "Светлана",
    "София",
    "Татьяна",
    "Ульяна",
    "Юлия",
];

/// Surnames in their masculine form; [`surname`] gives the feminine one.
const SURNAMES: [&str; 48] = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Ильин",
    "Куликов",
    "Карпов",
    "Афанасьев",
    "Белоусов",
    "Комаров",
    "Голубев",
    "Виноградов",
    "Богданов",
    "Калинин",
    "Троицкий",
    "Жуковский",
    "Толстой",
    "Кравченко",
    "Шевчук",
    "Черных",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Gender {
    Male,
    Female,
}

/// A surname in the form for `gender`: Иванов/Иванова, Троицкий/Троицкая, Толстой/Толстая;
/// Кравченко, Шевчук and Черных do not change.
fn surname(masculine: &str, gender: Gender) -> String {
    if gender == Gender::Male {
        return masculine.to_owned();
    }
    if let Some(stem) = masculine
        .strip_suffix("ий")
        .or_else(|| masculine.strip_suffix("ой"))
    {
        return format!("{stem}ая");
    }
    let adds_a = ["ов", "ев", "ёв", "ин", "ын"]
        .iter()
        .any(|end| masculine.ends_with(end));
    if adds_a {
        format!("{masculine}а")
    } else {
        masculine.to_owned()
    }
}

/// The patronymic a child of the father `MALE[father]` has.
fn patronymic(father: usize, gender: Gender) -> &'static str {
    let (_, son, daughter) = MALE[father];
    match gender {
        Gender::Male => son,
        Gender::Female => daughter,
    }
}

/// splitmix64: tiny, fast and stable, which is all a sample needs.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    fn percent(&mut self, chance: usize) -> bool {
        self.below(100) < chance
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }

    fn gender(&mut self) -> Gender {
        if self.percent(50) {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// «Фамилия Имя Отчество» of an adult.
    fn adult_name(&mut self, gender: Gender) -> String {
        let family = surname(self.pick(&SURNAMES), gender);
        let given = match gender {
            Gender::Male => self.pick(&MALE).0,
            Gender::Female => self.pick(&FEMALE),
        };
        let father = self.below(MALE.len());
        format!("{family} {given} {}", patronymic(father, gender))
    }

    /// A Sferum ID from `range` for about 70% of people, or for everyone `forced`.
    fn sferum(&mut self, range: &mut SferumRange, forced: bool) -> Option<SferumId> {
        (forced || self.percent(70)).then(|| range.take())
    }
}

/// Hands out unique Sferum IDs upwards from a base.
struct SferumRange(SferumId);

impl SferumRange {
    fn take(&mut self) -> SferumId {
        self.0 += 1;
        self.0
    }
}

const STAFF_SFERUM: SferumId = 1_000_000;
const STUDENT_SFERUM: SferumId = 2_000_000;
const PARENT_SFERUM: SferumId = 3_000_000;

/// A class to create, with how many students it gets.
struct ClassPlan {
    id: String,
    name: String,
    grade: usize,
    size: usize,
}

/// Grades 1 to 11 with as many letters as needed for about [`CLASS_SIZE`] students a class.
fn plan_classes(students: usize) -> Vec<ClassPlan> {
    let letters = students.div_ceil(11 * CLASS_SIZE).clamp(1, LETTERS.len());
    let count = 11 * letters;
    (0..count)
        .map(|i| {
            let (grade, (cyrillic, latin)) = (i / letters + 1, LETTERS[i % letters]);
            ClassPlan {
                id: format!("c-{grade}{latin}"),
                name: format!("{grade} {cyrillic}"),
                grade,
                size: students / count + usize::from(i < students % count),
            }
        })
        .collect()
}

/// A family: its surname, the father's given name (for the children's patronymic) and the
/// children as (class index, full name).
struct Family {
    surname: &'static str,
    father: usize,
    children: Vec<(usize, String)>,
}

/// Spreads the class places over families of one to three children, so siblings usually
/// study in different classes.
fn plan_families(rng: &mut Rng, classes: &[ClassPlan]) -> Vec<Family> {
    let mut places: Vec<usize> = (0..classes.len())
        .flat_map(|class| std::iter::repeat_n(class, classes[class].size))
        .collect();
    rng.shuffle(&mut places);
    let mut families = Vec::new();
    let mut rest = &places[..];
    while !rest.is_empty() {
        let size = match rng.below(100) {
            0..=69 => 1,
            70..=91 => 2,
            _ => 3,
        };
        let (taken, tail) = rest.split_at(size.min(rest.len()));
        rest = tail;
        let family_surname = rng.pick(&SURNAMES);
        let father = rng.below(MALE.len());
        let children = taken
            .iter()
            .map(|&class| {
                let gender = rng.gender();
                let given = match gender {
                    Gender::Male => rng.pick(&MALE).0,
                    Gender::Female => rng.pick(&FEMALE),
                };
                let name = format!(
                    "{} {given} {}",
                    surname(family_surname, gender),
                    patronymic(father, gender)
                );
                (class, name)
            })
            .collect();
        families.push(Family {
            surname: family_surname,
            father,
            children,
        });
    }
    families
}

/// Students listed by class, alphabetically within a class; then the families' parents.
fn add_students_and_parents(
    rng: &mut Rng,
    data: &mut SchoolData,
    classes: &[ClassPlan],
    families: &[Family],
) {
    let mut roster: Vec<(usize, &str, usize)> = families
        .iter()
        .enumerate()
        .flat_map(|(f, family)| {
            family
                .children
                .iter()
                .map(move |(class, name)| (*class, name.as_str(), f))
        })
        .collect();
    roster.sort();
    let mut children_of: Vec<Vec<String>> = vec![Vec::new(); families.len()];
    let mut sferum = SferumRange(STUDENT_SFERUM);
    for (n, (class, name, family)) in roster.into_iter().enumerate() {
        let id = format!("s-{}", n + 1);
        children_of[family].push(id.clone());
        data.students.push(Student {
            id,
            full_name: name.to_owned(),
            class: classes[class].id.clone(),
            sferum_id: rng.sferum(&mut sferum, false),
            max_id: None,
            extra: Map::new(),
        });
    }
    // Parents follow the order of their first child.
    let mut order: Vec<usize> = (0..families.len()).collect();
    order.sort_by_key(|&f| student_number(&children_of[f][0]));
    let mut sferum = SferumRange(PARENT_SFERUM);
    for f in order {
        let family = &families[f];
        let (mother, father) = match rng.below(100) {
            0..=59 => (true, true),
            60..=89 => (true, false),
            _ => (false, true),
        };
        let mut names = Vec::new();
        if mother {
            // Now and then the mother kept her own surname.
            let family_name = if rng.percent(10) {
                rng.pick(&SURNAMES)
            } else {
                family.surname
            };
            let father_of_mother = rng.below(MALE.len());
            names.push(format!(
                "{} {} {}",
                surname(family_name, Gender::Female),
                rng.pick(&FEMALE),
                patronymic(father_of_mother, Gender::Female)
            ));
        }
        if father {
            let grandfather = rng.below(MALE.len());
            names.push(format!(
                "{} {} {}",
                family.surname,
                MALE[family.father].0,
                patronymic(grandfather, Gender::Male)
            ));
        }
        for full_name in names {
            data.parents.push(Parent {
                id: format!("p-{}", data.parents.len() + 1),
                full_name,
                children: children_of[f].clone(),
                sferum_id: rng.sferum(&mut sferum, false),
                max_id: None,
                extra: Map::new(),
            });
        }
    }
}

/// The number in a student id `s-N`.
fn student_number(id: &str) -> usize {
    id.trim_start_matches("s-").parse().unwrap_or(usize::MAX)
}

/// Who teaches: staff indices of primary-school teachers and of subject teachers (with their
/// subject, an index into [`SUBJECTS`]).
struct Teachers {
    primary: Vec<usize>,
    subject: Vec<(usize, usize)>,
}

impl Teachers {
    /// Staff indices of the teachers of one subject.
    fn of(&self, subject: usize) -> Vec<usize> {
        self.subject
            .iter()
            .filter(|(_, s)| *s == subject)
            .map(|(staff, _)| *staff)
            .collect()
    }
}

fn position(title: &str, level: Level, pedagogical: bool, current: bool) -> Position {
    Position {
        title: title.to_owned(),
        level,
        pedagogical,
        current,
        extra: Map::new(),
    }
}

/// The administration first (director, acting head, former director, deputies,
/// administrator, secretary), then primary-school and subject teachers.
fn add_staff(rng: &mut Rng, data: &mut SchoolData, classes: &[ClassPlan]) -> Teachers {
    use Level::{Head1, Head2, Other, Staff as Rank};
    let primary_classes = classes.iter().filter(|c| c.grade < 5).count();
    let upper_classes = classes.len() - primary_classes;
    let mut sferum = SferumRange(STAFF_SFERUM);
    let mut add = |rng: &mut Rng,
                   positions: Vec<Position>,
                   roles: &[&str],
                   acting_head: bool,
                   linked: bool| {
        let gender = staff_gender(rng);
        let full_name = rng.adult_name(gender);
        data.staff.push(Staff {
            id: format!("st-{}", data.staff.len() + 1),
            full_name,
            positions,
            acting_head,
            access_roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            homeroom_class: None,
            sferum_id: rng.sferum(&mut sferum, linked),
            max_id: None,
            extra: Map::new(),
        });
        data.staff.len() - 1
    };
    add(
        rng,
        vec![
            position("Директор", Head1, false, true),
            position("Учитель математики", Rank, true, true),
        ],
        &["head"],
        false,
        true,
    );
    add(
        rng,
        vec![
            position(
                "Заместитель директора по учебно-воспитательной работе",
                Head2,
                false,
                true,
            ),
            position("Учитель русского языка и литературы", Rank, true, true),
        ],
        &["deputy", "teacher"],
        true,
        true,
    );
    add(
        rng,
        vec![
            position("Директор", Head1, false, false),
            position("Учитель истории и обществознания", Rank, true, true),
        ],
        &["teacher"],
        false,
        false,
    );
    const DEPUTIES: [(&str, bool); 3] = [
        ("Заместитель директора по воспитательной работе", true),
        (
            "Заместитель директора по учебно-воспитательной работе",
            true,
        ),
        (
            "Заместитель директора по административно-хозяйственной работе",
            false,
        ),
    ];
    for i in 0..(1 + classes.len() / 30).max(2) {
        let (title, pedagogical) = DEPUTIES[i % DEPUTIES.len()];
        add(
            rng,
            vec![position(title, Head2, pedagogical, true)],
            &["deputy"],
            false,
            false,
        );
    }
    add(
        rng,
        vec![position("Инженер-программист", Other, false, true)],
        &["administrator"],
        false,
        true,
    );
    add(
        rng,
        vec![position("Секретарь учебной части", Other, false, true)],
        &[],
        false,
        false,
    );
    let primary = (0..primary_classes)
        .map(|_| {
            add(
                rng,
                vec![position("Учитель начальных классов", Rank, true, true)],
                &["teacher"],
                false,
                false,
            )
        })
        .collect();
    let count = SUBJECTS.len().max(upper_classes + upper_classes / 3);
    let subject = (0..count)
        .map(|i| {
            let subject = if i < SUBJECTS.len() {
                i
            } else {
                i % MAIN_SUBJECTS
            };
            let staff = add(
                rng,
                vec![position(SUBJECTS[subject].1, Rank, true, true)],
                &["teacher"],
                false,
                false,
            );
            (staff, subject)
        })
        .collect();
    Teachers { primary, subject }
}

fn staff_gender(rng: &mut Rng) -> Gender {
    // Most teachers in Russian schools are women.
    if rng.percent(80) {
        Gender::Female
    } else {
        Gender::Male
    }
}

/// Classes with their class teachers: primary teachers lead grades 1-4, subject teachers the
/// rest; one class has none. Some teachers' own cards name another class as their homeroom.
fn add_classes(rng: &mut Rng, data: &mut SchoolData, classes: &[ClassPlan], teachers: &Teachers) {
    let leaders: Vec<usize> = teachers
        .primary
        .iter()
        .copied()
        .chain(teachers.subject.iter().map(|(staff, _)| *staff))
        .take(classes.len())
        .collect();
    let without_teacher = rng.below(classes.len());
    // Two teachers whose card names the class after the one they lead.
    let mut misfiled = Vec::new();
    while misfiled.len() < 2 {
        let class = rng.below(classes.len() - 1);
        if class != without_teacher && !misfiled.contains(&class) {
            misfiled.push(class);
        }
    }
    for (i, (plan, &leader)) in classes.iter().zip(&leaders).enumerate() {
        let homeroom = if misfiled.contains(&i) {
            Some(classes[(i + 1) % classes.len()].id.clone())
        } else if rng.percent(85) {
            Some(plan.id.clone())
        } else {
            None
        };
        data.staff[leader].homeroom_class = homeroom;
        data.classes.push(Class {
            id: plan.id.clone(),
            name: plan.name.clone(),
            class_teacher: (i != without_teacher).then(|| data.staff[leader].id.clone()),
            extra: Map::new(),
        });
    }
    // The teacher of the class without one still calls it theirs in their own card.
    let leader = leaders[without_teacher];
    data.staff[leader].homeroom_class = Some(classes[without_teacher].id.clone());
}

/// From grade 5: English and informatics in two groups each; in grades 10-11 also an advanced
/// mathematics group of about 40% of the class.
fn add_subject_groups(
    rng: &mut Rng,
    data: &mut SchoolData,
    classes: &[ClassPlan],
    teachers: &Teachers,
) {
    let mut next_teacher = [0usize; SUBJECTS.len()];
    let mut teacher = |subject: usize| {
        let candidates = teachers.of(subject);
        let staff = candidates[next_teacher[subject] % candidates.len()];
        next_teacher[subject] += 1;
        staff
    };
    for plan in classes.iter().filter(|c| c.grade >= 5 && c.size >= 2) {
        let students: Vec<String> = data
            .students
            .iter()
            .filter(|s| s.class == plan.id)
            .map(|s| s.id.clone())
            .collect();
        let half = students.len() / 2;
        let mut groups = vec![
            (ENGLISH, students[..half].to_vec()),
            (ENGLISH, students[half..].to_vec()),
            (INFORMATICS, students.iter().step_by(2).cloned().collect()),
            (
                INFORMATICS,
                students.iter().skip(1).step_by(2).cloned().collect(),
            ),
        ];
        if plan.grade >= 10 {
            let chosen = students.iter().filter(|_| rng.percent(40)).cloned();
            groups.push((MATHEMATICS, chosen.collect()));
        }
        for (subject, members) in groups {
            let staff = teacher(subject);
            data.subject_groups.push(SubjectGroup {
                id: format!("g-{}", data.subject_groups.len() + 1),
                class: plan.id.clone(),
                subject: SUBJECTS[subject].0.to_owned(),
                teacher: data.staff[staff].id.clone(),
                students: members,
                extra: Map::new(),
            });
        }
    }
}

/// Five published video calls (three still without a join link) and one unpublished.
fn add_video_calls(
    rng: &mut Rng,
    data: &mut SchoolData,
    classes: &[ClassPlan],
    teachers: &Teachers,
) {
    const TITLES: [&str; 4] = [
        "Дистанционный урок",
        "Консультация перед контрольной работой",
        "Разбор домашнего задания",
        "Подготовка к олимпиаде",
    ];
    let upper: Vec<&ClassPlan> = classes.iter().filter(|c| c.grade >= 5).collect();
    for n in 1..=6 {
        let class = rng.pick(&upper);
        let (staff, subject) = rng.pick(&teachers.subject);
        let join_link =
            (n <= 2).then(|| format!("https://sferum.ru/?call_link={:016x}", rng.next_u64()));
        data.video_calls.push(VideoCall {
            id: format!("v-{n}"),
            class: class.id.clone(),
            subject: SUBJECTS[subject].0.to_owned(),
            teacher: data.staff[staff].id.clone(),
            starts_at: format!("2026-12-{:02}T{:02}:00:00+03:00", n, 8 + n),
            title: rng.pick(&TITLES).to_owned(),
            published: n != 6,
            join_link,
            extra: Map::new(),
        });
    }
}

/// One subject teacher is also a parent: the same person, so the same name and Sferum ID.
fn share_teacher_with_parent(rng: &mut Rng, data: &mut SchoolData, teachers: &Teachers) {
    if data.parents.is_empty() {
        return;
    }
    let parent = rng.below(data.parents.len());
    let (staff, _) = rng.pick(&teachers.subject);
    let mut sferum = SferumRange(
        data.staff
            .iter()
            .filter_map(|s| s.sferum_id)
            .max()
            .unwrap_or(STAFF_SFERUM),
    );
    let teacher = &mut data.staff[staff];
    let id = *teacher.sferum_id.get_or_insert_with(|| sferum.take());
    teacher.full_name = data.parents[parent].full_name.clone();
    data.parents[parent].sferum_id = Some(id);
}

#[cfg(test)]
mod tests {
    use super::*;
    use exchange_sdk::school_validate::parse_school_data;
    use std::collections::{HashMap, HashSet};

    fn sample(students: usize, seed: u64) -> SchoolData {
        sample_school(&SampleOptions { students, seed })
    }

    /// Serializes and re-reads the sample through the validator.
    fn round_trip(data: &SchoolData) -> String {
        let json = serde_json::to_string_pretty(data).unwrap();
        match parse_school_data(&json) {
            Ok(parsed) => assert_eq!(&parsed, data),
            Err(problems) => panic!("{problems:#?}"),
        }
        json
    }

    #[test]
    fn default_sample_is_valid_and_exact() {
        let data = sample_school(&SampleOptions::default());
        round_trip(&data);
        assert_eq!(data.students.len(), 500);
        assert_eq!(data.organization.academic_year, "2026/2027");
        assert!(data.organization.name.contains("школа № 239"));
    }

    #[test]
    fn large_and_tiny_samples_are_valid_and_exact() {
        for students in [0, 1, 7, 300, 5000] {
            let data = sample(students, 7);
            round_trip(&data);
            assert_eq!(data.students.len(), students);
        }
    }

    #[test]
    fn same_seed_same_json_other_seed_differs() {
        let options = SampleOptions::default();
        let first = round_trip(&sample_school(&options));
        assert_eq!(first, round_trip(&sample_school(&options)));
        assert_ne!(first, round_trip(&sample(500, 2)));
    }

    #[test]
    fn classes_scale_with_students() {
        let names = |data: &SchoolData| -> Vec<String> {
            data.classes.iter().map(|c| c.name.clone()).collect()
        };
        let small = sample(250, 1);
        assert_eq!(names(&small).len(), 11);
        assert_eq!(names(&small)[..2], ["1 а", "2 а"]);
        let default = sample(500, 1);
        let default_names = names(&default);
        assert_eq!(default_names.len(), 22);
        assert_eq!(default_names[..3], ["1 а", "1 б", "2 а"]);
        assert_eq!(default_names.last().unwrap(), "11 б");
        let big = sample(800, 1);
        assert_eq!(names(&big).last().unwrap(), "11 в");
        assert_eq!(big.class("c-11v").unwrap().name, "11 в");
        for data in [&default, &big, &sample(5000, 1)] {
            let average = data.students.len() as f64 / data.classes.len() as f64;
            assert!((20.0..=25.0).contains(&average), "{average}");
        }
    }

    #[test]
    fn feminine_forms_follow_the_gender() {
        assert_eq!(surname("Иванов", Gender::Female), "Иванова");
        assert_eq!(surname("Соловьёв", Gender::Female), "Соловьёва");
        assert_eq!(surname("Ильин", Gender::Female), "Ильина");
        assert_eq!(surname("Троицкий", Gender::Female), "Троицкая");
        assert_eq!(surname("Толстой", Gender::Female), "Толстая");
        assert_eq!(surname("Кравченко", Gender::Female), "Кравченко");
        assert_eq!(surname("Черных", Gender::Female), "Черных");
        assert_eq!(surname("Толстой", Gender::Male), "Толстой");
        assert_eq!(patronymic(27, Gender::Female), "Петровна");
        assert_eq!(patronymic(27, Gender::Male), "Петрович");

        // Every adult: a feminine patronymic goes with a feminine given name and surname.
        let data = sample(500, 3);
        let female: HashSet<&str> = FEMALE.into_iter().collect();
        let adults = data
            .staff
            .iter()
            .map(|s| &s.full_name)
            .chain(data.parents.iter().map(|p| &p.full_name))
            .chain(data.students.iter().map(|s| &s.full_name));
        for name in adults {
            let words: Vec<&str> = name.split(' ').collect();
            assert_eq!(words.len(), 3, "{name}");
            let is_female = words[2].ends_with("на");
            assert_eq!(female.contains(words[1]), is_female, "{name}");
            let base = SURNAMES
                .iter()
                .find(|base| {
                    surname(base, Gender::Male) == words[0]
                        || surname(base, Gender::Female) == words[0]
                })
                .unwrap_or_else(|| panic!("{name}"));
            let gender = if is_female {
                Gender::Female
            } else {
                Gender::Male
            };
            assert_eq!(surname(base, gender), words[0], "{name}");
        }
    }

    #[test]
    fn families_have_one_to_three_children_some_across_classes() {
        let data = sample(500, 1);
        let class_of: HashMap<&str, &str> = data
            .students
            .iter()
            .map(|s| (s.id.as_str(), s.class.as_str()))
            .collect();
        let mut with_parents = HashSet::new();
        let mut across = 0;
        for parent in &data.parents {
            assert!((1..=3).contains(&parent.children.len()), "{parent:?}");
            let classes: HashSet<&str> = parent
                .children
                .iter()
                .map(|c| class_of[c.as_str()])
                .collect();
            across += usize::from(classes.len() > 1);
            with_parents.extend(parent.children.iter().cloned());
        }
        assert!(across >= 10, "{across}");
        assert_eq!(with_parents.len(), 500, "every student has a parent");
        assert!(data.parents.iter().any(|p| p.children.len() == 3));
    }

    #[test]
    fn administration_covers_every_rule() {
        let data = sample(500, 1);
        let holds = |s: &Staff, level: Level, current: bool| {
            s.positions
                .iter()
                .any(|p| p.level == level && p.current == current)
        };
        let directors: Vec<&Staff> = data
            .staff
            .iter()
            .filter(|s| holds(s, Level::Head1, true))
            .collect();
        assert_eq!(directors.len(), 1);
        assert!(directors[0].sferum_id.is_some());
        let former: Vec<&Staff> = data
            .staff
            .iter()
            .filter(|s| holds(s, Level::Head1, false))
            .collect();
        assert_eq!(former.len(), 1);
        assert!(!holds(former[0], Level::Head1, true));
        assert_eq!(data.staff.iter().filter(|s| s.acting_head).count(), 1);
        assert!(
            data.staff
                .iter()
                .filter(|s| holds(s, Level::Head2, true))
                .count()
                >= 2
        );
        let with_role = |role: &str| {
            data.staff
                .iter()
                .filter(|s| s.access_roles.iter().any(|r| r == role))
                .count()
        };
        assert_eq!(with_role("administrator"), 1);
        assert!(with_role("teacher") > 20);
        assert!(data
            .staff
            .iter()
            .any(|s| s.current_positions().all(|p| !p.pedagogical)));
    }

    #[test]
    fn class_teachers_come_from_the_class_card_only() {
        let data = sample(500, 1);
        let without: Vec<&Class> = data
            .classes
            .iter()
            .filter(|c| c.class_teacher.is_none())
            .collect();
        assert_eq!(without.len(), 1);
        let leads: HashMap<&str, &str> = data
            .classes
            .iter()
            .filter_map(|c| Some((c.class_teacher.as_deref()?, c.id.as_str())))
            .collect();
        assert_eq!(leads.len(), data.classes.len() - 1, "one class each");
        let misleading = data
            .staff
            .iter()
            .filter(|s| {
                s.homeroom_class.is_some()
                    && s.homeroom_class.as_deref() != leads.get(s.id.as_str()).copied()
            })
            .count();
        assert!(misleading >= 3, "{misleading}");
        // Someone's own card names the class that has no class teacher.
        assert!(data
            .staff
            .iter()
            .any(|s| s.homeroom_class.as_deref() == Some(without[0].id.as_str())));
    }

    #[test]
    fn subject_groups_from_grade_five() {
        let data = sample(500, 1);
        assert!(!data.subject_groups.is_empty());
        for group in &data.subject_groups {
            let grade: usize = data
                .class(&group.class)
                .unwrap()
                .name
                .split(' ')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!(grade >= 5, "{group:?}");
            assert!(!group.students.is_empty());
            for student in &group.students {
                let student = data.students.iter().find(|s| &s.id == student).unwrap();
                assert_eq!(student.class, group.class);
            }
            let teacher = data.staff.iter().find(|s| s.id == group.teacher).unwrap();
            assert!(teacher.access_roles.contains(&"teacher".to_owned()));
        }
        assert!(data
            .subject_groups
            .iter()
            .any(|g| g.subject == "Математика"));
    }

    #[test]
    fn video_calls_published_with_and_without_links() {
        let data = sample(500, 1);
        let published: Vec<&VideoCall> = data.video_calls.iter().filter(|v| v.published).collect();
        assert!(published.len() >= 3);
        assert!(published.iter().any(|v| v.join_link.is_none()));
        assert!(published.iter().any(|v| v.join_link.is_some()));
        assert_eq!(data.video_calls.iter().filter(|v| !v.published).count(), 1);
    }

    #[test]
    fn about_seventy_percent_linked_with_unique_ids_per_range() {
        let data = sample(5000, 1);
        let share = |ids: Vec<Option<SferumId>>, range: SferumId| {
            let linked: Vec<SferumId> = ids.iter().flatten().copied().collect();
            assert!(linked
                .iter()
                .all(|id| (range..range + 1_000_000).contains(id)));
            linked.len() as f64 / ids.len() as f64
        };
        let staff = share(
            data.staff.iter().map(|s| s.sferum_id).collect(),
            STAFF_SFERUM,
        );
        let students = share(
            data.students.iter().map(|s| s.sferum_id).collect(),
            STUDENT_SFERUM,
        );
        // The shared teacher-parent is in the staff range.
        let parents: Vec<Option<SferumId>> = data.parents.iter().map(|p| p.sferum_id).collect();
        let parents = parents.iter().flatten().count() as f64 / parents.len() as f64;
        for share in [staff, students, parents] {
            assert!((0.6..=0.8).contains(&share), "{share}");
        }
    }

    #[test]
    fn one_teacher_is_also_a_parent() {
        for seed in 1..5 {
            let data = sample(500, seed);
            let mut owners: HashMap<SferumId, Vec<&str>> = HashMap::new();
            let people = data
                .staff
                .iter()
                .map(|s| (s.sferum_id, s.full_name.as_str()))
                .chain(
                    data.students
                        .iter()
                        .map(|s| (s.sferum_id, s.full_name.as_str())),
                )
                .chain(
                    data.parents
                        .iter()
                        .map(|p| (p.sferum_id, p.full_name.as_str())),
                );
            for (id, name) in people {
                if let Some(id) = id {
                    owners.entry(id).or_default().push(name);
                }
            }
            let shared: Vec<&Vec<&str>> = owners.values().filter(|names| names.len() > 1).collect();
            assert_eq!(shared.len(), 1, "{shared:?}");
            assert_eq!(shared[0][0], shared[0][1]);
            let id = owners.iter().find(|(_, n)| n.len() > 1).unwrap().0;
            assert!(data.staff.iter().any(|s| s.sferum_id == Some(*id)));
            assert!(data.parents.iter().any(|p| p.sferum_id == Some(*id)));
        }
    }
}
