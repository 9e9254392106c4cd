# The host's texts in Russian: the web console's messages and the phrases the CLI and the
# console share. Every message here is in ../en/host.ftl too (a unit test checks it).

## Schedules and durations

schedule-every = { $unit ->
    [day] { $n ->
        [1] каждый день
        [one] каждый { $n } день
        [few] каждые { $n } дня
       *[other] каждые { $n } дней
    }
    [hour] { $n ->
        [1] каждый час
        [one] каждый { $n } час
        [few] каждые { $n } часа
       *[other] каждые { $n } часов
    }
    [minute] { $n ->
        [1] каждую минуту
        [one] каждую { $n } минуту
        [few] каждые { $n } минуты
       *[other] каждые { $n } минут
    }
   *[second] каждые { $n } с
}
schedule-constantly = постоянно
schedule-daily = ежедневно в { $time }
schedule-manual = вручную
schedule-help = Пишите так: «каждые 30 минут» (от 1 минуты до 31 дня), «постоянно», «ежедневно 07:30» или «вручную».
schedule-empty = Расписание не задано. { schedule-help }
schedule-not-schedule = «{ $text }» — не расписание. { schedule-help }
schedule-no-period = Не указан период. { schedule-help }
schedule-not-number = «{ $value }» — не число. { schedule-help }
schedule-not-unit = «{ $value }» — не единица времени. { schedule-help }
schedule-not-period = «{ $value }» — не период. { schedule-help }
schedule-too-short = Период должен быть не меньше 1 минуты (запуск за запуском — «постоянно»). { schedule-help }
schedule-too-long = Период должен быть не больше 31 дня (для более редких запусков — «вручную»). { schedule-help }
schedule-not-time = «{ $value }» — не время ЧЧ:ММ. { schedule-help }
duration-days = { $n } дн
duration-hours = { $n } ч
duration-minutes = { $n } мин
duration-seconds = { $n } с
duration-joiner = {" "}
duration-out-of-range = должно быть от { $min } до { $max }, введено «{ $value }»
duration-invalid = «{ $value }» — не длительность: пишите, например, 30 мин, 1 ч, 1 ч 30 мин

## Parameters

type-text = текст
type-integer-from = целое число не меньше { $min }
type-integer-range = целое число от { $min } до { $max }
type-port = порт от 1 до 65535
type-flag = 0 — нет, 1 — да
type-enum = одно из: { $values }
type-duration = длительность, например 90 с, 30 мин, 1 ч 30 мин
type-secret = секрет: после сохранения не показывается
param-type-expected = ожидается { $expected }, введено { $value }
param-not-assignment = «{ $arg }» — не настройка вида ключ=значение (например, proxy_port=3128)
param-cyrillic-key = ключ «{ $typed }» набран русскими буквами; он сохранён как латинский { $key }
param-force-not-stored = force не сохраняется: подтвердить удаления можно только для одного запуска (кнопка «Запустить с подтверждением удалений»)
param-unknown-did-you-mean = неизвестный параметр «{ $typed }»: возможно, имелся в виду { $key }?
param-unknown-none = неизвестный параметр «{ $typed }»: у этого типа задач нет параметров
param-unknown-known = неизвестный параметр «{ $typed }» (известные: { $known })
param-required = обязательный параметр ({ $description }): задайте { $key }
param-not-declared = не объявлен ни одним загруженным модулем
task-second-of-type = У организации { $org } уже есть задача этого типа (№ { $task }), а такая задача может быть только одна: две работали бы с одними и теми же чатами. Измените задачу № { $task }.

## Secrets kept in files

secret-reference-not-secret = ссылка на файл ({ $prefix }/путь) допустима только для секретных ключей, а { $key } не секретный: укажите само значение
secret-reference-relative = ссылка на файл должна содержать абсолютный путь, например { $prefix }/etc/exchange-host/{ $key }
secret-file = { $kind ->
    [parameter] параметр
   *[org-key] ключ базы ссылок
} { $key } ссылается на файл { $file }, но { $problem }
secret-file-unreadable = его нельзя прочитать ({ $error }): проверьте путь и то, что пользователь программы может читать этот файл
secret-file-not-regular = это не обычный файл: сошлитесь на файл, в котором хранится секрет
secret-file-public = его могут читать или менять все пользователи компьютера (права { $mode }): закройте доступ командой chmod o-rwx { $file }
secret-file-not-utf8 = это не текст в кодировке UTF-8: сохраните секрет в файле как текст в кодировке UTF-8
secret-file-empty = он пуст: запишите секрет в этот файл

## School data files

school-utf16 = файл в кодировке UTF-16 (он начинается с метки порядка байтов UTF-16): сохраните его в UTF-8 и загрузите снова
school-not-utf8 = байт { $byte } в строке { $line }, столбце { $column } — не UTF-8 (файл в другой кодировке, например Windows-1251): сохраните его в UTF-8 и загрузите снова

## Проблемы файла данных школы (ProblemKind из exchange_sdk::school_validate)

school-problem-json = это не JSON (строка { $line }, столбец { $column }): { $error }
school-problem-model = не подходит к модели данных школы: { $error }
school-problem-format-missing = обязательное поле отсутствует; поддерживаемые версии: { $supported }
school-problem-format-unsupported = неподдерживаемое значение формата: { $got }; поддерживаемые версии: { $supported }
school-problem-missing = обязательное поле отсутствует
school-problem-expected = ожидается { $what }, а в файле { $got }
school-problem-control = содержит { $control } (U+{ $code }) на позиции { $position }; удалите: имена и идентификаторы — одна строка простого текста
school-problem-too-long = длина { $length } { $length ->
        [one] символ
        [few] символа
       *[other] символов
    }, а допускается не больше { $max }
school-problem-empty = не должно быть пустым
school-problem-blank = не должно состоять из одних пробелов
school-problem-duplicate-id = { $id } встречается { $count ->
        [2] дважды
        [few] { $count } раза
       *[other] { $count } раз
    } (впервые в { $first })
school-problem-unknown = нет { $table } с идентификатором { $id }
school-problem-class-name-taken = { $name } — уже название { $first }; у двух классов с одним названием были бы чаты с одинаковым заголовком и две строки с одним названием в таблице ссылок: дайте каждому классу своё название или объедините классы
school-class-written = { $first } (записано { $name })
school-problem-account-taken = { $account } { $id } уже указан у { $other }; один { $account } может быть у двух записей, только если это один человек: сотрудник и родитель с одинаковым ФИО
school-account-sferum = идентификатор Сферум
school-account-max = идентификатор MAX
school-expected-object = объект
school-expected-array = массив
school-expected-string = строка
school-expected-non-empty-string = непустая строка
school-expected-bool = true или false
school-expected-sferum-id = идентификатор Сферум (целое положительное число) или null
school-expected-max-id = идентификатор пользователя MAX (целое положительное число) или null
school-expected-level = одно из значений { $levels }
school-expected-timestamp = дата и время в формате RFC 3339, например 2026-12-01T09:00:00+03:00
school-expected-join-link = ссылка https://, например https://sferum.ru/?call_link=…, или null
school-expected-reference = идентификатор { $table } (строка)
school-table-staff = сотрудника
school-table-classes = класса
school-table-students = ученика
school-got-text = текст { $value }
school-got-number = число { $value }
school-got-array = массив
school-got-object = объект
school-control-nul = символ NUL
school-control-line-break = перевод строки
school-control-tab = табуляцию
school-control-escape = символ escape (начало управляющей последовательности терминала)
school-control-bidi = символ управления направлением текста
school-control-other = управляющий символ

## Ошибки serde_json в файле данных школы

school-json-eof = файл обрывается раньше, чем закончен JSON (он неполный или обрезан)
school-json-expected-value = ожидается значение
school-json-expected-ident = ожидается true, false или null
school-json-expected-colon = ожидается «:»
school-json-expected-comma-or-bracket = ожидается «,» или «]»
school-json-expected-comma-or-brace = ожидается «,» или «{"}"}»
school-json-expected-quote = ожидается «"»
school-json-key-must-be-a-string = ключ должен быть строкой в кавычках
school-json-trailing-comma = лишняя запятая перед закрывающей скобкой
school-json-trailing-characters = лишние символы после конца JSON
school-json-invalid-escape = недопустимая последовательность с «\» в строке
school-json-invalid-number = неверно записано число
school-json-number-out-of-range = число вне допустимого диапазона
school-json-recursion-limit-exceeded = слишком глубокая вложенность
school-json-data = значение не того вида, что ожидается
school-json-other = ошибка в записи JSON

## Counters of runs

counter-chats = чатов положено школе
counter-chats-created = создано чатов
counter-chats-retitled = переименовано чатов
counter-members-added = добавлено участников
counter-members-removed = удалено участников
counter-admins-granted = выдано прав администратора
counter-admins-revoked = снято прав администратора
counter-links-published = ссылок в таблице
counter-calls-published = создано видеозвонков
counter-calls-failed = не создано видеозвонков
counter-people-without-sferum-id = людей без идентификатора Сферум
counter-api-requests = запросов к Сферуму
counter-api-calls = вызовов API
counter-skipped = людей нельзя добавить
counter-skipped-privacy = нельзя добавить: настройки приватности
counter-skipped-deleted = нельзя добавить: аккаунт удалён
counter-skipped-left = нельзя добавить: вышли сами
counter-runs = запусков
counter-staff = сотрудников
counter-students = учеников

## Staff access roles and levels

role-administrator = администратор
role-head = руководитель
role-deputy = заместитель руководителя
role-teacher = учитель
staff-head-level = { $title } (Руководитель { $level } уровня)

## Runs

run-status-running = выполняется
run-status-ok = успешно
run-status-partial = частично
run-status-failed = ошибка
run-status-interrupted = прерван
run-status-killed = остановлен: превышено время
run-trigger-manual = вручную
run-trigger-schedule = по расписанию
run-trigger-import = после импорта данных
run-trigger-catch-up = пропущенный запуск
run-killed = Запуск шёл дольше допустимого ({ $limit }) и был остановлен.
run-owner-gone = процесс программы, который вёл запуск, остановился (был завершён или упал) до конца запуска
run-lost = Запуск остановлен: его срок аренды истёк, и другой процесс программы счёл его брошенным.
run-interrupted-grace = Программа остановила запуск по истечении времени на завершение.
run-stopped-by-request = Запуск остановлен по запросу администратора.
run-busy-task = задача № { $task } сейчас выполняется (запуск № { $run }, начат { $started }): дождитесь его окончания и запустите снова
run-busy-type = задача № { $task } того же типа для организации { $org } сейчас выполняется (запуск № { $run }, начат { $started }), а запуски одного типа для одной организации не пересекаются: дождитесь его окончания и запустите снова
run-crashed = модуль аварийно завершился
run-crashed-signal = модуль аварийно завершился: сигнал { $signal } ({ $meaning })
run-crashed-exit = модуль аварийно завершился: рабочий процесс вышел с кодом { $code }, не закончив запуск
run-last-output = { $crashed }; последний вывод: { $output }
run-check-timeout = проверка не ответила за { $limit }
run-worker-not-started = не удалось запустить рабочий процесс { $exe }: { $error }
run-plugin-not-loaded = модуль { $file } не загружается: { $reason }
run-plugin-replaced = файл модуля { $file } теперь даёт тип задачи «{ $now }», а не «{ $type }»: его заменили, пока запуск начинался; запустите задачу снова
run-second-task = у организации { $org } две задачи типа { $type } (№ { $first } и № { $task }), а такая задача может быть только одна: выполняется только задача № { $first }. Удалите эту (exchange-host task rm { $task })
run-org-problem = организация { $org }: { $error }
run-task-problem = задача № { $task }: { $error }
run-summary-unreadable = итог запуска от модуля не читается: { $error }
run-links-unreadable = таблица ссылок от модуля не читается: { $error }
signal-meaning = { $name ->
    [SIGSEGV] SIGSEGV, обращение к недопустимой памяти
    [SIGABRT] SIGABRT, аварийная остановка
    [SIGBUS] SIGBUS, ошибка шины
    [SIGILL] SIGILL, недопустимая инструкция
    [SIGFPE] SIGFPE, арифметическая ошибка
    [SIGKILL] SIGKILL, принудительное завершение
    [SIGTERM] SIGTERM, завершение по запросу
   *[other] неизвестный сигнал
}
run-already-running = Задача № { $task } сейчас выполняется (запуск № { $run }): дождитесь его окончания и запустите снова.
run-dry-and-force = Пробный запуск ничего не меняет, поэтому подтверждать нечего: выберите одно из двух.
run-could-not-start = Запуск не начался: { $error }
run-not-running = Запуск № { $run } уже завершён: останавливать нечего.
run-stop-requested = Запрошена остановка запуска № { $run }.
serve-run-started = запуск № { $run } задачи № { $task } ({ $org }) начат: { $trigger }
serve-run-ended = запуск № { $run } задачи № { $task } завершён: { $status } — { $message }

## The web console's errors

error-summary = { $count ->
    [one] { $summary }: { $count } проблема; исправьте отмеченные поля и отправьте снова
    [few] { $summary }: { $count } проблемы; исправьте отмеченные поля и отправьте снова
   *[other] { $summary }: { $count } проблем; исправьте отмеченные поля и отправьте снова
}
error-nothing-saved = Ничего не сохранено
error-task-not-added = Задача не добавлена
error-nothing-changed = Ничего не изменено
error-configuration-invalid = Настройки не прошли проверку
error-internal = Ошибка на сервере: { $error } (подробности в журнале программы; попробуйте ещё раз)
error-request-failed = Запрос не выполнен внутри программы (подробности в журнале программы); попробуйте ещё раз.
error-bad-request = Неверный запрос: { $error }
error-no-endpoint = Нет такого адреса API: { $method } { $path } (адреса API перечислены в README.md, раздел «Web console»)
error-method-not-allowed = Метод { $method } не поддерживается для { $path }
error-no-org = Организации «{ $org }» нет: выберите её из списка организаций.
error-no-school = У организации { $org } ещё нет данных школы: загрузите файл на странице организации.
error-no-run = Запуска № { $run } нет: см. журнал запусков.
error-no-task = Задачи № { $task } нет: см. список задач.
error-bad-level = «{ $level }» — не уровень журнала: debug, info, warn или error.
error-org-cannot-change = организацию задачи изменить нельзя: добавьте новую задачу для другой организации
error-type-cannot-change = тип задачи изменить нельзя: добавьте новую задачу другого типа
error-choose-org = выберите организацию
error-choose-type = выберите тип задачи
error-cannot-change-task = Задачу № { $task } изменить нельзя: { $reason }
error-task-running-not-removed = Задача № { $task } сейчас выполняется (запуск № { $run }), поэтому она не удалена: выключите расписание, дождитесь окончания запуска и удалите её.
error-plugin-could-not-check = Модуль не смог проверить параметры: { $error }
error-host = Консоль отвечает только на этом компьютере: откройте { $url }
error-other-site = Запрос пришёл с другого сайта ({ $site }): пользуйтесь страницами самой консоли.
error-other-origin = Запрос пришёл с { $origin }, а не из этой консоли: пользуйтесь страницами самой консоли.
error-form-too-large = Форма слишком велика.
error-login-first = Сначала войдите: POST /api/login с {"{"}"password": "…"{"}"} и X-CSRF-Token из GET /api/session
error-no-session = Сеанс устарел: обновите страницу и повторите действие.
error-csrf = Проверочный код формы отсутствует или неверен: обновите страницу и повторите действие.
error-no-password = Пароль администратора не задан, вход не нужен. Задать пароль: exchange-host admin password
error-wrong-password = Неверный пароль: попробуйте ещё раз.
error-too-many-attempts = Слишком много неудачных попыток входа: повторите через { $wait }.
error-busy = Сервер занят проверкой паролей: повторите через несколько секунд.
error-org-id-empty = введите идентификатор: латинские буквы, цифры, дефис, например school-239
error-org-id-invalid = «{ $id }» не подходит: только латинские буквы, цифры, «-» и «_», не длиннее 64 знаков, например school-239
error-org-exists = организация «{ $id }» уже есть
error-org-name-empty = введите наименование организации
error-org-name-invalid = наименование не подходит: { $problem }
error-org-has-running = У организации { $org } сейчас выполняется запуск № { $run }: дождитесь его окончания или остановите его, затем удалите организацию.
error-org-confirm = Чтобы удалить организацию, введите её идентификатор «{ $org }» в поле подтверждения.
error-no-file = выберите файл данных школы
error-file-too-large = файл слишком велик (больше { $limit } МБ)
error-import-problems = { $count ->
    [one] В файле { $count } проблема; ничего не сохранено, прежние данные остались
    [few] В файле { $count } проблемы; ничего не сохранено, прежние данные остались
   *[other] В файле { $count } проблем; ничего не сохранено, прежние данные остались
}
error-import-expired = Просмотр устарел (данные изменились или прошло много времени): загрузите файл ещё раз.
error-import-shrink = Подтвердите уменьшение: { $details }

## Plugin files that are not used, and why

plugin-link-unreachable = пропущен: это символическая ссылка на { $link }, а туда не добраться ({ $error }); исправьте ссылку или удалите её
plugin-unreadable = пропущен: файл не читается ({ $error }); дайте пользователю программы право читать его или уберите его из папки модулей
plugin-not-regular-file = пропущен: { $target } — не обычный файл; положите туда библиотеку модуля или уберите эту запись из папки модулей
plugin-exposed-file = отклонён: файл { $state }, поэтому { $who } может подменить код, который выполняет программа (исправить: { $fix })
plugin-exposed-link-target = отклонён: файл { $path } (цель символической ссылки) { $state }, поэтому { $who } может подменить код, который выполняет программа (исправить: { $fix })
plugin-exposed-folder = отклонён: его папка { $path } { $state }, поэтому { $who } может положить туда код (исправить: { $fix } или переместите модуль)
plugin-exposed-folder-above = отклонён: папка { $path } выше него { $state }, поэтому { $who } может подменить папки ниже и модуль вместе с ними (исправить: { $fix } или переместите модуль)
plugin-exposure-state = { $exposure ->
    [owner] принадлежит пользователю { $owner }, а не пользователю программы ({ $host }) и не root
    [world] разрешает запись всем
   *[group] разрешает запись группе
}
plugin-exposure-who = { $exposure ->
    [owner] этот пользователь
    [world] любой пользователь
   *[group] любой участник группы
}
plugin-not-library = это не загружаемая разделяемая библиотека ({ $error }); если это модуль, установите то, что названо в ошибке, или пересоберите его, иначе уберите файл из папки модулей
plugin-no-export = это не модуль exchange-host: библиотека не экспортирует модуль (модуль вызывает exchange_sdk::export_plugin!)
plugin-abi-version = собран для ABI модулей { $built }, а программа поддерживает ABI { $host }: пересоберите модуль с подходящей версией exchange-sdk
plugin-abi-stable = собран с несовместимой версией abi_stable: пересоберите модуль с подходящей версией exchange-sdk
plugin-abi-layout = несовместимый ABI модуля ({ $detail }); пересоберите модуль с версией exchange-sdk этой программы (полный отчёт: RUST_LOG=debug)
plugin-start-failed = модуль завершился с ошибкой при запуске: { $error }
plugin-cannot-load = не загружается: { $error }
plugin-manifest-unreadable = его описание (манифест) не читается ({ $error }); пересоберите модуль с текущей версией exchange-sdk
plugin-capabilities-unreadable = его список возможностей не читается ({ $error }); пересоберите модуль с текущей версией exchange-sdk
plugin-manifest-not-sound = в его описании (манифесте) ошибки ({ $findings }); исправьте описание модуля (все замечания: exchange-host plugins verify ФАЙЛ)
plugin-needs-newer-host = модулю нужна программа с ABI модулей { $needed } или новее, а эта поддерживает ABI { $host }: обновите exchange-host или установите сборку модуля для ABI { $host }
plugin-crashed = { $stage ->
    [validate] модуль аварийно завершился ({ $how })
   *[describe] модуль аварийно завершился, пока программа читала его описание ({ $how })
}
plugin-hung = { $stage ->
    [validate] модуль не ответил за { $limit }
   *[describe] модуль не выдал описание за { $limit }: он зависает при загрузке
}
plugin-remembered = { $reason }; он не загружается, пока файл не изменится (пересоберите или замените модуль; чтобы попробовать снова, выполните touch для файла)
plugin-exit-signal = сигнал { $signal }: { $meaning }
plugin-exit-code = процесс вышел с кодом { $code }, не ответив
plugin-exit-unknown = процесс завершился, не ответив
plugin-exit-output = { $how }; последний вывод: { $output }
plugin-not-a-manifest = проверяющий процесс ответил не описанием модуля
plugin-not-problems = модуль ответил не списком проблем
plugin-scanner-not-started = не удалось запустить проверяющий процесс { $exe }: { $error }
plugin-params-unreadable = параметры не дошли до проверки: { $error }
plugin-type-changed = файл теперь даёт тип задачи «{ $now }», а не «{ $type }»: он изменился после того, как программа его прочитала; попробуйте снова
plugin-validation-unreadable = ответ модуля на проверку не читается: { $error }
plugin-duplicate-type = тип задачи «{ $type }» объявлен в { $files }; ни один не загружен: удалите лишний
plugin-duplicate-file = { $file } (версия { $version })
plugin-and = и

## The database's refusals

store-cannot-create-folder = не удалось создать папку { $dir }: { $error }; создайте её сами или выберите другое место для базы данных в --db или EXCHANGE_DB
store-cannot-create = не удалось создать базу данных { $db }: { $error }; проверьте права на папку или выберите другую базу данных в --db или EXCHANGE_DB
store-cannot-open = не удалось открыть базу данных { $db }: { $error }; проверьте, что это база данных программы и что пользователь программы может читать и менять её (базу данных выбирают в --db или EXCHANGE_DB)
store-migration-failed = не удалось обновить схему базы данных { $db }: { $error }
store-exposed = база данных { $db } не открыта: её могут читать или менять другие пользователи ({ $modes }), а в ней хранятся токены доступа и пароли. Закройте доступ командой chmod 600 { $files }
store-file-mode = { $file }: права { $mode }
store-newer-schema = у базы данных версия схемы { $found }, а эта программа знает версии только до { $known }: базу записала более новая версия exchange-host. Ничего не изменено; работайте с той, более новой версией exchange-host или восстановите резервную копию, сделанную до обновления
store-no-database = базы данных { $db } нет (укажите её в --db или EXCHANGE_DB)
store-backup-is-database = { $dest } — это сама база данных: выберите для копии другой файл
store-backup-exists = файл { $dest } уже есть: выберите новое имя файла (резервная копия никогда не перезаписывает файл)
store-not-a-file-name = { $dest } — не имя файла: укажите путь нового файла, например /var/backups/exchange.db
store-backup-failed = копия в { $dest } не сделана: { $error }
store-no-task = задачи № { $task } нет (список задач: exchange-host task list)
store-org-exists = организация «{ $org }» уже есть (см. exchange-host org show { $org })

## Task types no plugin provides

plugin-not-found = модуль не найден: ни один загруженный модуль не даёт тип задачи «{ $type }»
plugin-files-refused = отклонено файлов модулей: { $count } ({ $files }); причины: exchange-host plugins list
plugin-where = Известные типы: { $known }. Просмотрены папки: { $dirs }. Положите туда библиотеку модуля или укажите её папку в --plugins / { $env }.
plugin-known-none = нет
plugin-searched-nothing = нет

## The administrator password

password-too-short = пароль слишком короткий: нужно не меньше { $min } символов
password-spaces = пароль начинается или кончается пробелом: уберите пробел
