# The command line's own texts in Russian. Every message here is in the other language's
# cli.ftl too (a unit test checks it).

## Shared: errors, problems, warnings, missing records

cli-error = ошибка: { $error }
cli-warning = предупреждение: { $warning }
cli-note = примечание: { $note }
cli-problem-count = { $count ->
    [one] { $count } проблема
    [few] { $count } проблемы
   *[other] { $count } проблем
}
cli-nothing-saved = ничего не сохранено
cli-nothing-changed = ничего не изменено
cli-task-not-added = задача не добавлена
cli-no-org = организации «{ $org }» нет в { $db } (добавить: exchange-host org add { $org } --name "…"; список: exchange-host org list)
cli-no-run = запуска № { $run } нет (список запусков: exchange-host runs)
cli-no-school = у { $org } ещё нет данных школы: загрузите их командой exchange-host school import { $org } ФАЙЛ.json (пример файла: exchange-host school sample --output=пример.json)
cli-skipped-plugin = модуль { $file } пропущен: { $reason }
cli-no-exe = не найден исполняемый файл самой программы: { $error }

## Table columns

cli-col-counter = ПОКАЗАТЕЛЬ
cli-col-value = ЗНАЧЕНИЕ
cli-col-run = ЗАПУСК
cli-col-task = ЗАДАЧА
cli-col-org = ОРГАНИЗАЦИЯ
cli-col-started = НАЧАТ
cli-col-took = ДЛИЛСЯ
cli-col-status = ИТОГ
cli-col-trigger = ЗАПУЩЕН
cli-col-message = СООБЩЕНИЕ
cli-col-id = №
cli-col-type = ТИП
cli-col-schedule = РАСПИСАНИЕ
cli-col-state = СОСТОЯНИЕ
cli-col-last-run = ПОСЛЕДНИЙ ЗАПУСК
cli-col-name = НАИМЕНОВАНИЕ
cli-col-tasks = ЗАДАЧ
cli-col-school-data = ДАННЫЕ ШКОЛЫ
cli-col-version = ВЕРСИЯ
cli-col-file = ФАЙЛ
cli-col-records = ЗАПИСИ
cli-col-count = КОЛИЧЕСТВО
cli-col-positions = ТЕКУЩИЕ ДОЛЖНОСТИ
cli-col-roles = РОЛИ
cli-col-acting-head = И. О. РУКОВОДИТЕЛЯ
cli-col-sferum-id = ID В СФЕРУМЕ
cli-col-class = КЛАСС
cli-col-students-linked = УЧЕНИКИ В СФЕРУМЕ
cli-col-parents-linked = РОДИТЕЛИ В СФЕРУМЕ
cli-col-start = НАЧАЛО
cli-col-subject = ПРЕДМЕТ
cli-col-teacher = УЧИТЕЛЬ
cli-col-link = ССЫЛКА
cli-col-person = ЧЕЛОВЕК
cli-col-max-id = ID В MAX
cli-col-deep-link = ССЫЛКА-ПРИГЛАШЕНИЕ

## Runs: run, task check, runs, logs

cli-progress = ход работы: { $stage } { $done }/{ $total }
cli-run-outcome = Запуск № { $run } задачи № { $task }: { $status } — { $message }
cli-check-ok = Проверка пройдена: { $message }
cli-check-failed = Проверка не пройдена: { $message }
cli-no-runs = Запусков ещё не было. Запустите задачу: exchange-host run НОМЕР
cli-took = { $seconds } с
cli-dry-run-status = { $status } (пробный)
cli-bad-level = --level «{ $level }» — не уровень журнала: укажите debug, info, warn или error

## Tasks

cli-task-added = Добавлена задача № { $task }: { $type } для { $org } ({ $schedule }).
cli-task-added-next = Проверить её: exchange-host task check { $task }; запустить сейчас: exchange-host run { $task }
cli-no-tasks = Задач нет. Добавьте задачу: exchange-host task add --org ОРГАНИЗАЦИЯ --type sferum-sync
cli-never = не было
cli-task-heading = Задача № { $task }: { $type } для { $org }
cli-field-type = Тип
cli-field-state = Состояние
cli-field-schedule = Расписание
cli-field-max-run-time = Наибольшая длительность
cli-field-random-delay = Случайная задержка
cli-up-to = до { $duration }
cli-parameters = Параметры:
cli-parameters-none = (нет)
cli-task-removed = Задача № { $task } удалена вместе с её состоянием; удалено записей о запусках: { $runs }.
cli-task-running-not-removed = задача № { $task } сейчас выполняется (запуск № { $run }), поэтому она не удалена. Выключите её, чтобы она не запустилась снова (exchange-host task disable { $task }), дождитесь окончания запуска (exchange-host runs --task { $task }) и удалите её.
cli-task-enabled = Задача № { $task } включена.
cli-task-disabled = Задача № { $task } выключена: она запускается только вручную.
cli-task-updated = Задача № { $task } изменена.
cli-cannot-change-task = задачу № { $task } изменить нельзя: { $reason }
cli-state-enabled = включена
cli-state-disabled = выключена
cli-state-no-plugin = модуль не найден

## Organizations and links

cli-org-id-problem = идентификатор организации { $org }: { $problem }
cli-org-id-one-word = идентификатор организации «{ $org }» должен быть одним словом без пробелов, например school-239
cli-org-name-problem = наименование организации (--name) { $problem }; например, --name "ГБОУ школа № 239"
cli-org-added = Добавлена организация { $org } ({ $name }).
cli-org-added-next = Дальше введите её значения в Базу ссылок, например: exchange-host org set { $org } sferum.community_id=… sferum.access_token=…
cli-no-orgs = Организаций ещё нет. Добавьте организацию: exchange-host org add ИДЕНТИФИКАТОР --name "…"
cli-school-imported = загружены { $time }
cli-school-not-imported = не загружены
cli-org-heading = Организация: { $org } ({ $name })
cli-links-base = База ссылок:
cli-links-base-empty = (пусто) задайте значения: exchange-host org set { $org } ключ=значение
cli-key-not-set = { $key } не задан: { $description }
cli-org-no-value = у { $org } нет значения { $keys } (см. exchange-host org show { $org })
cli-org-removed-values = { $org }: удалено { $keys }
cli-no-links = У { $org } ещё нет опубликованных ссылок: они появятся после первого успешного запуска задачи синхронизации со Сферумом
cli-no-links-next = (список задач: exchange-host task list; запуск: exchange-host run НОМЕР).
cli-links-heading = Чаты Сферум — { $org } (опубликовано { $time } задачей № { $task }, { $type })

## School data

cli-cannot-write = не удалось записать { $file }: { $error }
cli-cannot-read = не удалось прочитать { $file }: { $error }
cli-sample-written = Пример школы записан в { $file }: сотрудников — { $staff }, классов — { $classes }, учеников — { $students }, родителей — { $parents }
cli-school-heading = { $name } ({ $org }), { $year } учебный год
cli-school-imports = Загружены { $time } (всего загрузок: { $imports })
cli-not-imported = { $file } не загружен: { $reason } (прежние данные { $org } не изменились)
cli-not-utf8 = это не текст в кодировке UTF-8
cli-bom = { $file } начинается с метки порядка байтов UTF-8 (BOM); она пропущена
cli-other-org = это данные другой организации
cli-other-org-problem = это данные организации { $file_org } («{ $name }»), а не { $org }: загрузите файл организации { $org } или загрузите этот файл в ту организацию, для которой он сделан
cli-shrinks = школа уменьшилась бы больше чем на треть
cli-shrink-hint = Следующая синхронизация со Сферумом удалила бы этих людей из их чатов. Если файл верный (школа действительно стала настолько меньше), загрузите его ещё раз с --confirm-shrink.
cli-imported = { $file } загружен в { $org }.
cli-tasks-due = Включённые задачи { $org } ({ $count }) запустятся при первой возможности.
cli-list-staff = сотрудники
cli-list-classes = классы
cli-list-students = ученики
cli-list-parents = родители
cli-list-subject-groups = учебные группы
cli-list-video-calls = видеозвонки
cli-changes-none = изменений нет
cli-changes-first = первая загрузка
cli-changes-organization = организация: изменены поля { $fields }
cli-changes-unchanged = { $list }: без изменений
cli-changes-more = … и ещё { $count }
cli-changes-linked = Новых привязок к Сферуму: { $count }
cli-changes-unlinked = Отвязано от Сферума: { $count }
cli-not-linked = не привязан
cli-yes = да
cli-staff-linked = Привязано к Сферуму: { $linked } из { $total } сотрудников.
cli-of = { $part } из { $total }
cli-total = Всего
cli-no-calls = Опубликованных видеозвонков нет.
cli-no-upcoming-calls = Предстоящих опубликованных видеозвонков нет.
cli-link-after-run = появится после следующего запуска
cli-person-staff = { $name } (сотрудник)
cli-person-student = { $name } (ученик, { $class })
cli-person-parent = { $name } (родитель)
cli-no-max-links = Ссылок MAX ещё нет: их раздаёт запуск задачи MAX (max-sync) тем, у кого нет идентификатора MAX.
cli-not-in-school-data = (нет в данных школы)
cli-not-bound = ещё не привязан

## Plugins

cli-no-plugins = Модули не найдены в { $dirs }.
cli-no-plugins-hint = Положите туда библиотеки модулей или укажите их папку в --plugins ПАПКА или EXCHANGE_PLUGINS.
cli-field-task-type = Тип задачи
cli-field-name = Название
cli-field-description = Описание
cli-field-version = Версия
cli-version-abi = { $version } (ABI модуля { $abi })
cli-field-host-abi = Нужен ABI программы
cli-or-newer = { $abi } или новее
cli-field-extensions = Расширения
cli-extensions-none = нет (только точки входа ABI 1.0)
cli-field-default-schedule = Расписание по умолчанию
cli-field-file = Файл
cli-plugin-params-none = Параметры: нет
cli-plugin-params = Параметры ({ $count }):
cli-rules = Правила между параметрами:
cli-rule-required-with = обязателен при
cli-rule-only-with = только при
cli-field-range = Диапазон
cli-field-presence = Наличие
cli-field-secret = Секрет
cli-required = обязателен
cli-optional-default = необязателен, по умолчанию { $default }
cli-optional = необязателен, без значения по умолчанию
cli-secret-yes = да (хранится, никогда не показывается)
cli-type-string = строка
cli-type-integer = целое число
cli-type-port = порт
cli-type-flag = флаг
cli-type-enum = один из вариантов
cli-type-duration = длительность
cli-type-secret = секрет
cli-range-flag = 0 или 1
cli-range-duration = например 90s, 30m, 1h30m
cli-not-a-file = { $file } — не файл
cli-cannot-be-read = { $file } не читается: { $error }
cli-verified = { $file }: в порядке: тип задачи { $type }, версия { $version }, ABI модуля { $abi }

## The web console's administrator, backup

cli-backup-done = { $db } скопирована в { $file } ({ $bytes ->
    [one] { $bytes } байт
    [few] { $bytes } байта
   *[other] { $bytes } байт
}, версия схемы { $version }, права 0600)
cli-new-password = Новый пароль администратора:
cli-repeat-password = Повторите его:
cli-passwords-differ = пароли не совпадают: ничего не изменено; выполните команду ещё раз
cli-password-refused = { $problem }; ничего не изменено
cli-password-set = Пароль администратора задан (хранится как хеш Argon2 в { $db }).
cli-password-next = Теперь веб-консоль спрашивает его: exchange-host serve --http АДРЕС, затем войдите на http://АДРЕС/login.

## serve

cli-option-problem = { $flag }: { $problem }
cli-duration-range = { $flag }: допустимо от 0 с до 1 ч, введено «{ $value }»
cli-second-signal = второй сигнал: немедленный выход
cli-web-console = веб-консоль: { $url }
cli-serving = exchange-host serve: задач — { $tasks }, база { $db }, одновременно не больше { $max ->
    [one] { $max } запуска
   *[other] { $max } запусков
}. Остановка — Ctrl-C.
cli-stopping = остановка: выполняющимся запускам ({ $count }) отправлен запрос на остановку (на завершение — { $grace })
cli-stopped = остановлено

## demo

cli-demo-no-emulator = эмулятор Сферума не собран: нет файла { $file } (соберите всё командой cargo build --release)
cli-cannot-start = не удалось запустить { $program }: { $error }
cli-demo-emulator-silent = эмулятор не запустился (он вывел «{ $said }»)
cli-demo-cannot-create = не удалось создать папку демонстрации { $dir }: { $error }
cli-demo-emulator = Эмулятор Сферума: { $url } (состояние в { $file })
cli-demo-database = База данных: { $file }
cli-demo-step-org = 1. Организация и её База ссылок
cli-demo-step-school = 2. Пример школы
cli-demo-step-task = 3. Задача синхронизации со Сферумом
cli-demo-task = задача № { $task }: sferum-sync для { $org }, { $schedule }
cli-demo-step-first-sync = 4. Первая синхронизация
cli-demo-no-task = в { $db } нет задачи демонстрации: удалите папку { $dir } и запустите демонстрацию снова
cli-demo-step-no-op = 1. Повторная синхронизация без изменений в школе: ни одного изменяющего вызова
cli-demo-step-change = 2. Небольшое изменение в школе
cli-demo-no-school = данных школы демонстрации нет
cli-demo-changing = Изменение: { $change }
cli-demo-change = новый ученик в { $class } (ID в Сферуме { $sferum_id }), классные руководители { $first } и { $second } поменялись классами
cli-demo-step-apply = 3. Синхронизация, которая его применяет
cli-demo-step-links = Таблица «Чаты Сферум» (exchange-host links { $org })
cli-demo-again = Запустите демонстрацию ещё раз: будут синхронизация без изменений и изменение в школе. Посмотреть подробнее:

## The web console's start (crates/web)

cli-web-needs-password = веб-консоль слушала бы адрес { $addr }, доступный с других компьютеров: сначала задайте пароль администратора (exchange-host admin password) или слушайте 127.0.0.1
cli-web-cannot-listen = не удаётся слушать { $addr } для веб-консоли: выберите другой адрес или порт в --http
