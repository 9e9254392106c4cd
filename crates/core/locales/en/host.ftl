# The host's texts in English: the web console's messages and the phrases the CLI and the
# console share. Every message here is in ../ru/host.ftl too (a unit test checks it).

## Schedules and durations

schedule-every = { $unit ->
    [day] { $n ->
        [1] every day
       *[other] every { $n } days
    }
    [hour] { $n ->
        [1] every hour
       *[other] every { $n } hours
    }
    [minute] { $n ->
        [1] every minute
       *[other] every { $n } minutes
    }
   *[second] every { $n } seconds
}
schedule-constantly = constantly
schedule-daily = daily at { $time }
schedule-manual = manual
schedule-help = use one of: "every 30m" (any period from 1 minute to 31 days), "constantly", "daily 07:30", "manual"; in Russian: «каждые 30 минут», «постоянно», «ежедневно 07:30», «вручную»
schedule-empty = the schedule is empty; { schedule-help }
schedule-not-schedule = "{ $text }" is not a schedule; { schedule-help }
schedule-no-period = a period is missing: { schedule-help }
schedule-not-number = "{ $value }" is not a number; { schedule-help }
schedule-not-unit = "{ $value }" is not a time unit; { schedule-help }
schedule-not-period = { $error }; { schedule-help }
schedule-too-short = the period must be at least 1 minute (for back-to-back runs use "constantly"); { schedule-help }
schedule-too-long = the period must be at most 31 days (for rarer runs use "manual" and start them by hand); { schedule-help }
schedule-not-time = "{ $value }" is not a time HH:MM; { schedule-help }
duration-days = { $n }d
duration-hours = { $n }h
duration-minutes = { $n }m
duration-seconds = { $n }s
duration-joiner = {""}
duration-out-of-range = must be from { $typed_min } to { $typed_max }, got "{ $value }"
duration-invalid = "{ $value }" is not a duration: write e.g. 30m, 1h, 1h30m

## Parameters

type-text = text
type-integer-from = { $min ->
    [1] a positive whole number
   *[other] a whole number of at least { $min }
}
type-integer-range = a whole number { $min }-{ $max }
type-port = a port 1-65535
type-flag = 0 or 1
type-enum = one of { $values }
type-duration = a duration such as 90s, 30m or 1h30m
type-secret = secret text
param-type-expected = expected { $expected }, got { $value }
param-not-assignment = "{ $arg }" is not a key=value setting (example: proxy_port=3128)
param-cyrillic-key = the key "{ $typed }" contains Cyrillic letters; it was saved as the Latin key "{ $key }"
param-force-not-stored = force is not a stored setting: confirm what a safety guard held back for one run only, with exchange-host run TASK --force
param-unknown-did-you-mean = unknown parameter "{ $typed }": did you mean { $key }?
param-unknown-none = unknown parameter "{ $typed }": this task type has no parameters
param-unknown-known = unknown parameter "{ $typed }" (known: { $known })
param-required = is required ({ $description }): add { $key }=…
param-not-declared = not declared by any loaded plugin
task-second-of-type = organization { $org } already has a { $type } task (task { $task }), and a task of this type must be the only one for its organization: two would work on the same chats. Change task { $task } instead (exchange-host task set { $task } …)

## Secrets kept in files

secret-reference-not-secret = file references ({ $prefix }/path) are only for secret keys, and { $key } is not one: give the value itself
secret-reference-relative = the file reference must name an absolute path, e.g. { $prefix }/etc/exchange-host/{ $key }
secret-file = { $kind ->
    [parameter] the parameter
   *[org-key] the Links base key
} { $key } refers to the file { $file }, but { $problem }
secret-file-unreadable = it cannot be read ({ $error }): check the path, and that the host's user can read the file
secret-file-not-regular = it is not a regular file: refer to the file that holds the secret
secret-file-public = every user of the computer can read or change it (mode { $mode }): make it private with: chmod o-rwx { $file }
secret-file-not-utf8 = it is not UTF-8 text: save the secret in the file as UTF-8 text
secret-file-empty = it is empty: write the secret into the file

## School data files

school-utf16 = the file is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8 and import it again
school-not-utf8 = byte { $byte } at line { $line }, column { $column } is not UTF-8 (the file is in another encoding, e.g. Windows-1251): save it as UTF-8 and import it again

## School data problems (exchange_sdk::school_validate's ProblemKind; the English ones say
## exactly what its Display says, which a test checks)

school-problem-json = not valid JSON: { $error } (line { $line }, column { $column })
school-problem-model = does not match the school-data model: { $error }
school-problem-format-missing = required field is missing; supported versions: { $supported }
school-problem-format-unsupported = unsupported format { $got }; supported versions: { $supported }
school-problem-missing = required field is missing
school-problem-expected = expected { $what }, got { $got }
school-problem-control = contains { $control } (U+{ $code }) at character { $position }; remove it: names and ids are one line of plain text
school-problem-too-long = is { $length } characters long; at most { $max } are allowed
school-problem-empty = must not be empty
school-problem-blank = must not be blank (only spaces)
school-problem-duplicate-id = { $id } is used { $count ->
        [2] twice
       *[other] { $count } times
    } (also { $first })
school-problem-unknown = no { $table } with id { $id }
school-problem-class-name-taken = { $name } is also the name of { $first }; two classes with one name would get chats of one title and two rows of one name in the links table: give each class a name of its own, or merge them
school-class-written = { $first } (written { $name })
school-problem-account-taken = { $account } { $id } is also on { $other }; two records may share a { $account } only when they are one person: a staff member and a parent with the same full name
school-account-sferum = Sferum ID
school-account-max = MAX id
school-expected-object = an object
school-expected-array = an array
school-expected-string = a string
school-expected-non-empty-string = a non-empty string
school-expected-bool = true or false
school-expected-sferum-id = a Sferum ID (a positive integer) or null
school-expected-max-id = a MAX user id (a positive integer) or null
school-expected-level = one of { $levels }
school-expected-timestamp = an RFC 3339 date-time such as 2026-12-01T09:00:00+03:00
school-expected-join-link = an https:// link such as https://sferum.ru/?call_link=… or null
school-expected-reference = a { $table } id (a string)
school-table-staff = staff member
school-table-classes = class
school-table-students = student
school-got-text = { $value }
school-got-number = { $value }
school-got-array = an array
school-got-object = an object
school-control-nul = a NUL character
school-control-line-break = a line break
school-control-tab = a tab
school-control-escape = an escape character (a terminal escape sequence)
school-control-bidi = a bidirectional text control
school-control-other = a control character

## serde_json's errors in a school data file. English shows serde_json's own message as it
## is (these are its words); other languages say the recognized ones with these messages.

school-json-eof = EOF while parsing
school-json-expected-value = expected value
school-json-expected-ident = expected ident
school-json-expected-colon = expected `:`
school-json-expected-comma-or-bracket = expected `,` or `]`
school-json-expected-comma-or-brace = expected `,` or `{"}"}`
school-json-expected-quote = expected `"`
school-json-key-must-be-a-string = key must be a string
school-json-trailing-comma = trailing comma
school-json-trailing-characters = trailing characters
school-json-invalid-escape = invalid escape
school-json-invalid-number = invalid number
school-json-number-out-of-range = number out of range
school-json-recursion-limit-exceeded = recursion limit exceeded
school-json-data = invalid type
school-json-other = syntax error

## Counters of runs

counter-chats = chats the school needs
counter-chats-created = chats created
counter-chats-retitled = chats renamed
counter-members-added = members added
counter-members-removed = members removed
counter-admins-granted = admin rights granted
counter-admins-revoked = admin rights revoked
counter-links-published = links in the table
counter-calls-published = video calls started
counter-calls-failed = video calls not started
counter-people-without-sferum-id = people without a Sferum ID
counter-api-requests = requests to Sferum
counter-api-calls = API calls
counter-skipped = people who cannot be added
counter-skipped-privacy = cannot be added: privacy settings
counter-skipped-deleted = cannot be added: account deleted
counter-skipped-left = cannot be added: left on their own
counter-runs = runs
counter-staff = staff
counter-students = students

## Staff access roles and levels

role-administrator = administrator
role-head = head
role-deputy = deputy head
role-teacher = teacher
staff-head-level = { $title } (head of level { $level })

## Runs

run-status-running = running
run-status-ok = ok
run-status-partial = partial
run-status-failed = failed
run-status-interrupted = interrupted
run-status-killed = killed: took too long
run-trigger-manual = by hand
run-trigger-schedule = on schedule
run-trigger-import = after an import
run-trigger-catch-up = missed run
run-killed = the run took longer than its max run time ({ $limit }) and was stopped
run-owner-gone = the host process running it stopped (killed or crashed) before the run ended
run-lost = the run was stopped: its lease lapsed and another host process took it for abandoned
run-interrupted-grace = the host stopped the run after its grace period
run-stopped-by-request = the run was stopped at the administrator's request
run-busy-task = task { $task } is running now (run { $run }), started { $started }: wait until it ends, then start it again
run-busy-type = task { $task } of the same type for organization { $org } is running now (run { $run }), and runs of one type for one organization never overlap, started { $started }: wait until it ends, then start it again
run-crashed = plugin crashed
run-crashed-signal = plugin crashed: signal { $signal } ({ $meaning })
run-crashed-exit = plugin crashed: the worker exited with code { $code } before the run finished
run-last-output = { $crashed }; last output: { $output }
run-check-timeout = the check did not answer within { $limit }
run-worker-not-started = cannot start the worker process { $exe }: { $error }
run-plugin-not-loaded = the plugin { $file } cannot be loaded: { $reason }
run-plugin-replaced = the plugin file { $file } now provides the task type "{ $now }", not "{ $type }": it was replaced while the run started; run the task again
run-second-task = organization { $org } has two { $type } tasks (tasks { $first } and { $task }), and a task of this type must be the only one for its organization: only task { $first } runs. Remove this one (exchange-host task rm { $task })
run-org-problem = organization { $org }: { $error }
run-task-problem = task { $task }: { $error }
run-summary-unreadable = the plugin's summary cannot be read: { $error }
run-links-unreadable = the links table cannot be read: { $error }
signal-meaning = { $name ->
    [SIGSEGV] SIGSEGV, invalid memory access
    [SIGABRT] SIGABRT, aborted
    [SIGBUS] SIGBUS, bus error
    [SIGILL] SIGILL, illegal instruction
    [SIGFPE] SIGFPE, arithmetic error
    [SIGKILL] SIGKILL, killed
    [SIGTERM] SIGTERM, terminated
   *[other] a signal
}
run-already-running = Task { $task } is running now (run { $run }): wait until it ends, then start it again.
run-dry-and-force = A dry run changes nothing, so there is nothing to confirm: choose one of the two.
run-could-not-start = The run could not start: { $error }
run-not-running = Run { $run } has ended already: there is nothing to stop.
run-stop-requested = Run { $run } was asked to stop.
serve-run-started = run { $run } of task { $task } ({ $org }) started: { $trigger }
serve-run-ended = run { $run } of task { $task } ended: { $status } — { $message }

## The web console's errors

error-summary = { $count ->
    [one] { $summary }: { $count } problem; correct the marked fields and send again
   *[other] { $summary }: { $count } problems; correct the marked fields and send again
}
error-nothing-saved = nothing was saved
error-task-not-added = the task was not added
error-nothing-changed = nothing was changed
error-configuration-invalid = the configuration is not valid
error-internal = { $error } (see the host's log; try again)
error-request-failed = the request failed inside the host (see the host's log); try again
error-bad-request = { $error } (see the API's request formats in README.md, "Web console")
error-no-endpoint = no such endpoint: { $method } { $path } (the endpoints are listed in README.md, "Web console")
error-method-not-allowed = { $method } is not allowed on { $path } (the endpoints are listed in README.md, "Web console")
error-no-org = no organization "{ $org }": see the list (GET /api/orgs); add one with: exchange-host org add { $org } --name "…"
error-no-school = { $org } has no school data yet: import it with: exchange-host school import { $org } FILE.json
error-no-run = no run { $run }: see the run history (GET /api/runs)
error-no-task = no task { $task }: see the task list (GET /api/tasks)
error-bad-level = level "{ $level }" is not a log level: use debug, info, warn or error
error-org-cannot-change = a task's organization cannot change: add a new task for the other organization
error-type-cannot-change = a task's type cannot change: add a new task of the other type
error-choose-org = choose the organization (see GET /api/orgs)
error-choose-type = choose the task type (see GET /api/plugins)
error-cannot-change-task = cannot change task { $task }: { $reason }
error-task-running-not-removed = task { $task } is running now (run { $run }), so it was not removed: disable its schedule, wait until the run ends, then remove it
error-plugin-could-not-check = the plugin could not check the parameters: { $error }
error-host = this console answers only on this machine: open { $url } instead
error-other-site = the request came from another site ({ $site }): use the console's own pages
error-other-origin = the request came from { $origin }, not from this console: use the console's own pages
error-form-too-large = the form is too large: send less
error-login-first = log in first: POST /api/login with {"{"}"password": "…"{"}"} and the X-CSRF-Token from GET /api/session
error-no-session = no valid session: reload the page (or GET /api/session for a session cookie and its X-CSRF-Token), then try again
error-csrf = the CSRF token is missing or wrong: reload the page and try again (API: send the X-CSRF-Token header from GET /api/session)
error-no-password = no administrator password is set, so no login is needed; set one with: exchange-host admin password
error-wrong-password = wrong password: try again (it is set with: exchange-host admin password)
error-too-many-attempts = too many failed logins from this client: try again in { $wait }
error-busy = the server is busy checking passwords: try again in a few seconds
error-org-id-empty = enter the id: Latin letters, digits, hyphens, e.g. school-239
error-org-id-invalid = "{ $id }" will not do: Latin letters, digits, "-" and "_" only, at most 64 characters, e.g. school-239
error-org-exists = organization "{ $id }" exists already
error-org-name-empty = enter the organization's name
error-org-name-invalid = the name will not do: { $problem }
error-org-has-running = organization { $org } has run { $run } going on: wait until it ends or stop it, then remove the organization
error-org-confirm = to remove the organization, type its id "{ $org }" into the confirmation field
error-no-file = choose the school data file
error-file-too-large = the file is too large (over { $limit } MB)
error-import-problems = { $count ->
    [one] the file has { $count } problem; nothing was saved, the previous data stays
   *[other] the file has { $count } problems; nothing was saved, the previous data stays
}
error-import-expired = the preview is out of date (the data changed or too much time passed): upload the file again
error-import-shrink = confirm the shrinking: { $details }

## Plugin files that are not used, and why

plugin-link-unreachable = skipped: it is a symlink to { $link }, which cannot be reached ({ $error }); fix the link or remove it
plugin-unreadable = skipped: it cannot be read ({ $error }); let the host's user read it, or remove it from the plugin folder
plugin-not-regular-file = skipped: { $target } is not a regular file; put the plugin library there, or remove the entry from the plugin folder
plugin-exposed-file = refused: the file { $state }, so { $who } could replace the code the host runs (fix: { $fix })
plugin-exposed-link-target = refused: the file { $path } (the symlink's target) { $state }, so { $who } could replace the code the host runs (fix: { $fix })
plugin-exposed-folder = refused: its folder { $path } { $state }, so { $who } could place code there (fix: { $fix }, or move the plugin)
plugin-exposed-folder-above = refused: the folder { $path } above it { $state }, so { $who } could swap the folders below it and the plugin with them (fix: { $fix }, or move the plugin)
plugin-exposure-state = { $exposure ->
    [owner] belongs to user { $owner }, not to the host's user { $host } or root
    [world] is world-writable
   *[group] is group-writable
}
plugin-exposure-who = { $exposure ->
    [owner] that user
    [world] anyone
   *[group] the other members of its group
}
plugin-not-library = not a loadable shared library ({ $error }); if it is a plugin, install what the error names or rebuild it, else remove it from the plugin folder
plugin-no-export = not an exchange-host plugin: the library has no plugin export (a plugin calls exchange_sdk::export_plugin!)
plugin-abi-version = built against plugin ABI { $built }, but this host speaks ABI { $host }: rebuild the plugin against a matching exchange-sdk
plugin-abi-stable = built with an incompatible abi_stable version: rebuild the plugin against a matching exchange-sdk
plugin-abi-layout = incompatible plugin ABI ({ $detail }); rebuild the plugin against this host's exchange-sdk (full report: RUST_LOG=debug)
plugin-start-failed = the plugin failed while starting: { $error }
plugin-cannot-load = cannot be loaded: { $error }
plugin-manifest-unreadable = its manifest cannot be read ({ $error }); rebuild it against a current exchange-sdk
plugin-capabilities-unreadable = its capabilities cannot be read ({ $error }); rebuild it against a current exchange-sdk
plugin-manifest-not-sound = its manifest is not sound ({ $findings }); fix the plugin's manifest (exchange-host plugins verify FILE lists every finding)
plugin-needs-newer-host = it needs a host that speaks plugin ABI { $needed } or newer, but this host speaks ABI { $host }: upgrade exchange-host, or install a build of the plugin for ABI { $host }
plugin-crashed = { $stage ->
    [validate] the plugin crashed ({ $how })
   *[describe] the plugin crashed while the host read its description ({ $how })
}
plugin-hung = { $stage ->
    [validate] the plugin did not answer within { $limit }
   *[describe] the plugin did not describe itself within { $limit }: it hangs while loading
}
plugin-remembered = { $reason }; it is not loaded until the file changes (rebuild or replace the plugin; `touch` the file to try again)
plugin-exit-signal = signal { $signal }: { $meaning }
plugin-exit-code = it exited with code { $code } without an answer
plugin-exit-unknown = it ended without an answer
plugin-exit-output = { $how }; its last output: { $output }
plugin-not-a-manifest = the scanner answered with something else than a manifest
plugin-not-problems = the plugin answered with something else than problems
plugin-scanner-not-started = the plugin scanner { $exe } could not be started: { $error }
plugin-params-unreadable = the parameters could not be read: { $error }
plugin-type-changed = the file now provides the task type "{ $now }", not "{ $type }": it changed since the host read it; try again
plugin-validation-unreadable = the plugin's validation answer cannot be read: { $error }
plugin-duplicate-type = task type "{ $type }" is declared by { $files }; neither is loaded: remove one of them
plugin-duplicate-file = { $file } (version { $version })
plugin-and = and

## The database's refusals

store-cannot-create-folder = cannot create the folder { $dir }: { $error }; create it yourself, or choose another place for the database with --db or EXCHANGE_DB
store-cannot-create = cannot create the database { $db }: { $error }; check the folder's permissions, or choose another database with --db or EXCHANGE_DB
store-cannot-open = cannot open the database { $db }: { $error }; check that it is the host's database and that the host's user can read and change it (choose the database with --db or EXCHANGE_DB)
store-migration-failed = cannot update the schema of { $db }: { $error }
store-exposed = refusing to open the database { $db }: other users can read or change it ({ $modes }), and it holds access tokens and passwords. Make it private with: chmod 600 { $files }
store-file-mode = { $file } has mode { $mode }
store-newer-schema = the database has schema version { $found }, newer than this host knows ({ $known }): a newer exchange-host wrote it. Nothing was changed; use that newer exchange-host, or restore a backup taken before the upgrade
store-no-database = there is no database at { $db } (choose it with --db or EXCHANGE_DB)
store-backup-is-database = { $dest } is the database itself: choose another file for the copy
store-backup-exists = { $dest } exists already: choose a new file name (a backup never overwrites a file)
store-not-a-file-name = { $dest } is not a file name: give the path of the new file, e.g. /var/backups/exchange.db
store-backup-failed = no copy was made at { $dest }: { $error }
store-no-task = no task { $task } (list the tasks with: exchange-host task list)
store-org-exists = organization "{ $org }" already exists (see: exchange-host org show { $org })

## Task types no plugin provides

plugin-not-found = plugin not found: no loaded plugin provides the task type "{ $type }"
plugin-files-refused = { $count } plugin file(s) were refused: { $files }; see why with: exchange-host plugins list
plugin-where = Known types: { $known }. Searched: { $dirs }. Put the plugin library there, or point --plugins / { $env } at its folder.
plugin-known-none = none
plugin-searched-nothing = nothing

## The administrator password

password-too-short = the password is too short: use at least { $min } characters
password-spaces = the password starts or ends with a space: remove it
