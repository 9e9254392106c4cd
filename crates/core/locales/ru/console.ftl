# The web console's pages (headings, buttons, hints) in Russian. Every message here is
# in the other language's console.ftl too (a unit test checks it).
#
# Ids: console-, nav-, button-, link-, notice-, field- and error-page- for what several
# pages share; page-NAME- for one page's own texts. Fluent trims a value's leading spaces:
# the pages put the spaces between a message and what comes before it.

## The frame every page shares

# The browser tab's title: the page's title, then the console's name.
console-title = { $page } — Задачи обмена данными
nav-orgs = Организации
nav-tasks = Задачи обмена данными
nav-runs = Журнал запусков
button-log-out = Выйти

## Words several pages share

button-save = Сохранить
link-cancel = Отмена
link-to-orgs = К списку организаций
link-to-org = К организации
notice-saved = Сохранено.
# A task's or a run's number, as a link's text.
link-number = № { $number }
# «3 из 40»: a part of a whole.
part-of-total = { $part } из { $total }
# After a run's status in tables.
dry-run-mark = (пробный)

## Form fields generated from parameter schemas

field-default = по умолчанию: { $value }
field-required = обязательный
field-unset = не задано
field-secret-set = задан ({ $masked }); оставьте пустым, чтобы не менять
field-secret-clear = удалить
field-flag-off = 0 — нет
field-flag-on = 1 — да

## Errors as pages

error-page-not-found = Не найдено
error-page-conflict = Сейчас нельзя
error-page-refused = Запрос не выполнен
error-page-server = Ошибка на сервере
error-page-no-page = Страницы { $path } нет: начните со списка организаций.

## What console.js shows while it follows a run (the run page shows the same)

console-progress = { $stage }: { $done } из { $total }
console-stage-read = чтение чатов
console-stage-create = создание чатов
console-stage-calls = видеозвонки
console-stage-greeting = приветствие
console-level-debug = отладка
console-level-info = сведения
console-level-warn = внимание
console-level-error = ошибка

## Logging in

page-login-title = Вход
page-login-not-needed = Пароль администратора не задан, а консоль доступна только с этого компьютера: вход не нужен.
page-login-password = Пароль администратора
page-login-password-hint = Задаётся командой { $command }.
button-log-in = Войти

## Organizations: the list, adding one

page-orgs-title = Организации
page-orgs-removed = Организация удалена.
page-orgs-none = Организаций пока нет. Добавьте школу формой ниже.
page-orgs-column-id = Организация
page-orgs-column-name = Наименование
page-orgs-column-tasks = Задачи обмена
page-orgs-column-school = Данные школы
page-orgs-school-imported = импортированы { $time }
page-orgs-school-not-imported = не импортированы
page-orgs-add = Добавить организацию
page-orgs-id = Идентификатор
page-orgs-id-hint = короткое имя латинскими буквами, цифрами и дефисами; потом не меняется
page-orgs-name = Наименование
page-orgs-name-placeholder = ГБОУ школа № 239
page-orgs-name-hint = полное наименование, как в документах

## An organization: its tabs and its main tab

page-org-tab-main = Главная и база ссылок
page-org-tab-staff = Личные дела сотрудников
page-org-tab-coverage = Охват Сферум по классам
page-org-tab-calls = Видеозвонки
page-org-imported = Данные школы сохранены. Включённые задачи организации запустятся в ближайшее время.
page-org-heading = Организация
page-org-id = Идентификатор
page-org-name = Наименование
page-org-school-name = Наименование в данных школы
page-org-academic-year = Текущий учебный год
page-org-edit = Переименовать или удалить организацию
page-org-new-name = Новое наименование
button-rename = Переименовать
page-org-remove = Удалить организацию
page-org-remove-hint = вместе с данными школы, базой ссылок, задачами и историей запусков; для подтверждения введите идентификатор { $org }
page-org-school = Данные школы
page-org-school-summary = Загружены { $time }: сотрудников { $staff }, классов { $classes }, учеников { $students }, родителей { $parents }, видеозвонков { $calls }.
page-org-school-none = Данные школы ещё не загружены.
page-org-school-file = Файл данных школы (JSON, формат school-data/1)
page-org-school-file-hint = Файл проверяется целиком. Если в нём есть ошибки, ничего не сохраняется и все ошибки показываются с местом в файле; иначе вы увидите, что изменится, и подтвердите сохранение.
button-check-file = Проверить файл
page-org-links-base = База ссылок
page-org-links-base-hint = Идентификатор сообщества и токен доступа выдаёт Комитет по образованию: обратитесь к районному координатору.
page-org-links-base-none = Ни один загруженный модуль не объявляет значений базы ссылок.
page-org-chats = Чаты Сферум
# $tasks is a link to the organization's tasks, its text page-org-chats-later-link.
page-org-chats-later = Таблица появится после первого успешного запуска задачи синхронизации: { $tasks }.
page-org-chats-later-link = задачи обмена данными
page-org-chats-published = Опубликовано { $time } ({ $type }).
# $task is a link to the task, its text link-number.
page-org-chats-published-by = Опубликовано { $time } задачей { $task } ({ $type }).

## Importing school data

page-import-title = { $org }: загрузка данных школы
page-import-column-place = Место в файле
page-import-column-problem = Проблема
page-import-fix = Исправьте файл (или выгрузите его заново) и загрузите ещё раз.
page-import-checked = Файл проверен, ошибок нет. Данные ещё не сохранены: проверьте изменения и подтвердите.
page-import-staff = Сотрудников
page-import-classes = Классов
page-import-students = Учеников
page-import-parents = Родителей
page-import-changes = Что изменится
page-import-first = Это первая загрузка данных этой школы.
page-import-no-changes = Ничего: файл совпадает с загруженными данными.
page-import-shrink-warning = Внимание: из данных школы исчезает больше трети записей.
page-import-shrink-line = { $list }: было { $before }, станет { $after }
page-import-shrink-explained = Следующая синхронизация удалит этих людей из чатов Сферума. Подтверждайте, только если школа действительно так уменьшилась, а не выгрузка неполная.
page-import-shrink-confirm = да, школа действительно уменьшилась
button-save-school = Сохранить данные школы
page-import-refused-title = Данные школы не сохранены
page-import-upload-again = Загрузите файл ещё раз и подтвердите уменьшение.
# A list of the school data, by its key in the file.
page-import-list = { $list ->
    [organization] организация
    [staff] сотрудники
    [classes] классы
    [students] ученики
    [parents] родители
    [subject_groups] учебные группы
    [video_calls] видеозвонки
   *[other] { $list }
}
# One list's changes: «классы: добавлено 2 (5А, 5Б); убрано 1 (4В)».
page-import-list-changes = { $list }: { $changes }
page-import-added = добавлено { $count } ({ $names })
page-import-removed = убрано { $count } ({ $names })
page-import-changed = изменено { $count } ({ $names })
# The English message has $detail: where the file stops being UTF-8.
page-import-other-org = это данные организации { $id } («{ $name }»), а не { $org }: загрузите файл своей организации

## An organization: staff, coverage, video calls

page-staff-title = { $org }: личные дела сотрудников
page-staff-linked = Привязаны к Сферум: { $linked } из { $total }. Идентификаторы поступают с Портала «Петербургское образование» при передаче данных электронного дневника.
page-staff-column-name = ФИО
page-staff-column-positions = Действующие должности
page-staff-column-roles = Роли доступа
page-staff-column-acting-head = ИО руководителя
page-staff-column-sferum-id = Идентификатор VK Сферум
page-staff-acting-head = да
page-staff-not-linked = не привязан
page-coverage-title = { $org }: охват Сферум
page-coverage-explained = Сколько учеников и родителей связали свой идентификатор на Портале с учётной записью VK Сферум: только они попадают в чаты класса.
page-coverage-column-class = Класс
page-coverage-column-students = Ученики в Сферум
page-coverage-column-parents = Родители в Сферум
page-coverage-total = Итого
page-calls-title = { $org }: видеозвонки
page-calls-explained = Опубликованные видеозвонки (ВКС). Ссылку для подключения задача синхронизации создаёт при ближайшем запуске и записывает обратно в данные школы, откуда её берёт электронный дневник.
page-calls-none = Опубликованных видеозвонков нет.
page-calls-column-start = Начало
page-calls-column-class = Класс
page-calls-column-subject = Предмет
page-calls-column-teacher = Учитель
page-calls-column-topic = Тема
page-calls-column-link = Ссылка для подключения
page-calls-waiting = ожидает следующего запуска

## Exchange tasks: the list

page-tasks-title = Задачи обмена данными
page-tasks-title-of-org = Задачи обмена данными: { $org }
button-add-task = Добавить задачу
page-tasks-none = Задач пока нет.
page-tasks-column-number = №
page-tasks-column-org = Организация
page-tasks-column-type = Тип
page-tasks-column-schedule = Расписание
page-tasks-column-state = Состояние
page-tasks-column-last-run = Последний запуск
page-tasks-column-status = Статус
page-tasks-never-run = не запускалась
page-tasks-state-no-plugin = модуль не найден
page-tasks-state-enabled = включена
page-tasks-state-disabled = выключена

## Exchange tasks: adding one, the form

page-new-task-title = Новая задача
# $link is a link to the form that adds one, its text page-new-task-add-org-link.
page-new-task-add-org-first = Сначала { $link }.
page-new-task-add-org-link = добавьте организацию
page-new-task-no-plugins = Модули задач не найдены: положите библиотеки модулей в папку plugins рядом с exchange-host.
button-next = Далее
page-new-task-other-type = Выбрать другой тип
page-task-form-org = Организация
page-task-form-type = Тип задачи
page-task-form-schedule = Расписание
page-task-form-period = Периодичность
page-task-form-period-hint = каждые 30 минут, постоянно, ежедневно 07:30, вручную. Рекомендуется «каждые 30 минут»; для видеозвонков перед уроком — чаще, вплоть до «постоянно».
page-task-form-max-run-time = Наибольшая длительность запуска
page-task-form-max-run-time-hint = дольше — запуск останавливается; например 30 мин, 1 ч
page-task-form-random-delay = Случайная задержка
page-task-form-random-delay-hint = до стольких перед каждым запуском по расписанию, например 5 мин
page-task-form-enable-now = включить расписание сразу
page-task-form-params = Параметры
page-task-form-no-params = У этого типа задач нет параметров.
page-task-form-secrets-again = Секреты не возвращаются в форму: введите их заново.

## Exchange tasks: one task

page-task-title = Задача № { $task }
page-task-type = Тип
page-task-org = Организация
page-task-schedule = Расписание
page-task-state = Состояние
page-task-max-run-time = Наибольшая длительность
page-task-random-delay = Случайная задержка
page-task-params = Параметры
page-task-params-none = не заданы (действуют значения по умолчанию)
button-run-now = Запустить сейчас
button-dry-run = Пробный запуск
button-run-force = Запустить с подтверждением удалений
page-task-run-force-confirm = Защита от массового удаления будет отключена только для этого запуска: участники, которых нет в данных школы, будут удалены из чатов. Продолжить?
button-disable = Выключить расписание
button-enable = Включить расписание
button-delete-task = Удалить задачу
page-task-delete-confirm = Удалить задачу вместе с её историей запусков?
page-task-runs = История запусков
page-task-edit = Изменить настройки

## Runs: the history and one run

page-runs-title = Журнал запусков
page-runs-title-of-task = Журнал запусков задачи № { $task }
page-runs-none = Запусков пока не было.
page-runs-column-run = Запуск
page-runs-column-task = Задача
page-runs-column-started = Начат
page-runs-column-took = Длительность
page-runs-column-status = Статус
page-runs-column-trigger = Причина
page-runs-column-result = Итог
# A run's duration; $seconds has one decimal.
page-runs-seconds = { $seconds } с
page-run-title = Запуск № { $run }
page-run-stopping = Остановка запрошена: запуск завершится в течение нескольких секунд.
page-run-task = Задача
page-run-status = Статус
page-run-dry-run-note = (пробный запуск: в Сферуме ничего не менялось)
page-run-started = Начат
page-run-took = Длительность
page-run-result = Итог
page-run-stop-confirm = Остановить запуск? То, что уже сделано, останется сделанным.
button-stop-run = Остановить запуск
page-run-totals = Итоги
page-run-log = Журнал
page-run-log-more = ещё строк: { $count } — нажмите, чтобы раскрыть
