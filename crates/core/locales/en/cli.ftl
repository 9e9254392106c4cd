# The command line's own texts in English. Every message here is in the other language's
# cli.ftl too (a unit test checks it).

## Shared: errors, problems, warnings, missing records

cli-error = error: { $error }
cli-warning = warning: { $warning }
cli-note = note: { $note }
cli-problem-count = { $count ->
    [one] { $count } problem
   *[other] { $count } problems
}
cli-nothing-saved = nothing was saved
cli-nothing-changed = nothing was changed
cli-task-not-added = the task was not added
cli-no-org = no organization "{ $org }" in { $db } (add it with: exchange-host org add { $org } --name "…"; list them with: exchange-host org list)
cli-no-run = no run { $run } (list runs with: exchange-host runs)
cli-no-school = { $org } has no school data yet: import it with: exchange-host school import { $org } FILE.json (a sample: exchange-host school sample -o sample.json)
cli-skipped-plugin = skipped plugin { $file }: { $reason }
cli-no-exe = cannot find the host's own executable: { $error }

## Table columns

cli-col-counter = COUNTER
cli-col-value = VALUE
cli-col-run = RUN
cli-col-task = TASK
cli-col-org = ORG
cli-col-started = STARTED
cli-col-took = TOOK
cli-col-status = STATUS
cli-col-trigger = TRIGGER
cli-col-message = MESSAGE
cli-col-id = ID
cli-col-type = TYPE
cli-col-schedule = SCHEDULE
cli-col-state = STATE
cli-col-last-run = LAST RUN
cli-col-name = NAME
cli-col-tasks = TASKS
cli-col-school-data = SCHOOL DATA
cli-col-version = VERSION
cli-col-file = FILE
cli-col-records = RECORDS
cli-col-count = COUNT
cli-col-positions = CURRENT POSITIONS
cli-col-roles = ROLES
cli-col-acting-head = ACTING HEAD
cli-col-sferum-id = SFERUM ID
cli-col-class = CLASS
cli-col-students-linked = STUDENTS LINKED
cli-col-parents-linked = PARENTS LINKED
cli-col-start = START
cli-col-subject = SUBJECT
cli-col-teacher = TEACHER
cli-col-link = LINK
cli-col-person = PERSON
cli-col-max-id = MAX ID
cli-col-deep-link = DEEP LINK

## Runs: run, task check, runs, logs

cli-progress = progress: { $stage } { $done }/{ $total }
cli-run-outcome = Run { $run } of task { $task }: { $status } — { $message }
cli-check-ok = OK: { $message }
cli-check-failed = FAILED: { $message }
cli-no-runs = No runs yet. Start one with: exchange-host run TASK
cli-took = { $seconds }s
cli-dry-run-status = { $status } (dry run)
cli-bad-level = --level "{ $level }" is not a level: use debug, info, warn or error

## Tasks

cli-task-added = Added task { $task }: { $type } for { $org } ({ $schedule }).
cli-task-added-next = Check it with: exchange-host task check { $task }; run it now with: exchange-host run { $task }
cli-no-tasks = No tasks. Add one with: exchange-host task add --org ORG --type sferum-sync
cli-never = never
cli-task-heading = Task { $task }: { $type } for { $org }
cli-field-type = Type
cli-field-state = State
cli-field-schedule = Schedule
cli-field-max-run-time = Max run time
cli-field-random-delay = Random delay
cli-up-to = up to { $duration }
cli-parameters = Parameters:
cli-parameters-none = (none)
cli-task-removed = Removed task { $task } with its state and its { $runs } recorded run(s).
cli-task-running-not-removed = task { $task } is running now (run { $run }), so it was not removed. Disable it so that it does not start again (exchange-host task disable { $task }), wait until the run ends (exchange-host runs --task { $task }), then remove it
cli-task-enabled = Task { $task } enabled.
cli-task-disabled = Task { $task } disabled: it runs only when started by hand.
cli-task-updated = Task { $task } updated.
cli-cannot-change-task = cannot change task { $task }: { $reason }
cli-state-enabled = enabled
cli-state-disabled = disabled
cli-state-no-plugin = plugin not found

## Organizations and links

cli-org-id-problem = the organization id { $org }: { $problem }
cli-org-id-one-word = the organization id "{ $org }" must be one word without spaces, e.g. school-239
cli-org-name-problem = the organization name (--name) { $problem }; e.g. --name "ГБОУ школа № 239"
cli-org-added = Added organization { $org } ({ $name }).
cli-org-added-next = Next: enter its Links base values, e.g. exchange-host org set { $org } sferum.community_id=… sferum.access_token=…
cli-no-orgs = No organizations yet. Add one with: exchange-host org add ORG --name "…"
cli-school-imported = imported { $time }
cli-school-not-imported = not imported
cli-org-heading = Organization: { $org } ({ $name })
cli-links-base = Links base:
cli-links-base-empty = (empty) set values with: exchange-host org set { $org } key=value
cli-key-not-set = { $key } is not set: { $description }
cli-org-no-value = { $org } has no value for { $keys } (see: exchange-host org show { $org })
cli-org-removed-values = { $org }: removed { $keys }
cli-no-links = { $org } has no published links yet: they appear after the first successful run of its Sferum sync task
cli-no-links-next = (see: exchange-host task list --org { $org }; run one with: exchange-host run TASK).
cli-links-heading = Чаты Сферум — { $org } (published { $time } by task { $task }, { $type })

## School data

cli-cannot-write = cannot write { $file }: { $error }
cli-cannot-read = cannot read { $file }: { $error }
cli-sample-written = Wrote a sample school ({ $staff } staff, { $classes } classes, { $students } students, { $parents } parents) to { $file }
cli-school-heading = { $name } ({ $org }), academic year { $year }
cli-school-imports = Imported { $time } ({ $imports } import(s) so far)
cli-not-imported = { $file } was not imported: { $reason } (the previous data of { $org } is unchanged)
cli-not-utf8 = it is not UTF-8 text
cli-bom = { $file } starts with a UTF-8 byte order mark (BOM); it is ignored
cli-other-org = it is another organization's data
cli-other-org-problem = this file is the data of { $file_org } («{ $name }»), not of { $org }: import the file of { $org } instead, or this one into the organization it is for
cli-shrinks = it would take away more than a third of the school
cli-shrink-hint = The next Sferum sync would remove those people from their chats. If the file is right (the school really is that much smaller), import it again with --confirm-shrink.
cli-imported = Imported { $file } into { $org }.
cli-tasks-due = { $count } enabled task(s) of { $org } are now due and run at the next chance.
cli-list-staff = staff
cli-list-classes = classes
cli-list-students = students
cli-list-parents = parents
cli-list-subject-groups = subject groups
cli-list-video-calls = video calls
cli-changes-none = no changes
cli-changes-first = first import
cli-changes-organization = organization: changed { $fields }
cli-changes-unchanged = { $list }: unchanged
cli-changes-more = … and { $count } more
cli-changes-linked = Sferum IDs newly linked: { $count }
cli-changes-unlinked = Sferum IDs unlinked: { $count }
cli-not-linked = not linked
cli-yes = yes
cli-staff-linked = { $linked } of { $total } staff linked to Sferum.
cli-of = { $part } of { $total }
cli-total = Total
cli-no-calls = No published video calls.
cli-no-upcoming-calls = No published video calls to come.
cli-link-after-run = waiting for the next run
cli-person-staff = { $name } (staff member)
cli-person-student = { $name } (student, { $class })
cli-person-parent = { $name } (parent)
cli-no-max-links = No MAX deep links yet: a run of the MAX task (max-sync) hands them out to the people who have no MAX id.
cli-not-in-school-data = (not in the school data)
cli-not-bound = not bound yet

## Plugins

cli-no-plugins = No plugins found in { $dirs }.
cli-no-plugins-hint = Put plugin libraries there, or name their folder with --plugins DIR or EXCHANGE_PLUGINS.
cli-field-task-type = Task type
cli-field-name = Name
cli-field-description = Description
cli-field-version = Version
cli-version-abi = { $version } (plugin ABI { $abi })
cli-field-host-abi = Needs host ABI
cli-or-newer = { $abi } or newer
cli-field-extensions = Extensions
cli-extensions-none = none (entry points of ABI 1.0 only)
cli-field-default-schedule = Default schedule
cli-field-file = File
cli-plugin-params-none = Parameters: none
cli-plugin-params = Parameters ({ $count }):
cli-rules = Rules between parameters:
cli-rule-required-with = required with
cli-rule-only-with = only with
cli-field-range = Range
cli-field-presence = Presence
cli-field-secret = Secret
cli-required = required
cli-optional-default = optional, default { $default }
cli-optional = optional, no default
cli-secret-yes = yes (stored, never shown)
cli-type-string = string
cli-type-integer = integer
cli-type-port = port
cli-type-flag = flag
cli-type-enum = enum
cli-type-duration = duration
cli-type-secret = secret
cli-range-flag = 0 or 1
cli-range-duration = e.g. 90s, 30m, 1h30m
cli-not-a-file = { $file } is not a file
cli-cannot-be-read = { $file } cannot be read: { $error }
cli-verified = { $file }: ok: task type { $type } version { $version }, plugin ABI { $abi }

## The web console's administrator, backup

cli-backup-done = { $db } copied to { $file } ({ $bytes } bytes, schema version { $version }, mode 0600)
cli-new-password = New administrator password:
cli-repeat-password = Repeat it:
cli-passwords-differ = the two passwords differ: nothing was changed; run the command again
cli-password-refused = { $problem }; nothing was changed
cli-password-set = The administrator password is set (stored as an Argon2 hash in { $db }).
cli-password-next = The web console now asks for it: exchange-host serve --http ADDR, then log in at http://ADDR/login.

## serve

cli-option-problem = { $flag }: { $problem }
cli-duration-range = { $flag } must be from 0s to 1h, got "{ $value }"
cli-second-signal = second signal: exiting at once
cli-web-console = web console: { $url }
cli-serving = exchange-host serve: { $tasks } task(s) in { $db }, at most { $max } runs at once. Stop with Ctrl-C.
cli-stopping = stopping: { $count } run(s) in progress are asked to stop (grace { $grace })
cli-stopped = stopped

## demo

cli-demo-no-emulator = the Sferum emulator is not built: { $file } is missing (build everything with: cargo build --release)
cli-cannot-start = cannot start { $program }: { $error }
cli-demo-emulator-silent = the emulator did not start (it said "{ $said }")
cli-demo-cannot-create = cannot create the demo folder { $dir }: { $error }
cli-demo-emulator = Sferum emulator: { $url } (state in { $file })
cli-demo-database = Database: { $file }
cli-demo-step-org = 1. The organization and its Links base
cli-demo-step-school = 2. The sample school
cli-demo-step-task = 3. The Sferum sync task
cli-demo-task = task { $task }: sferum-sync for { $org }, { $schedule }
cli-demo-step-first-sync = 4. The first sync
cli-demo-no-task = { $db } holds no demo task: remove the folder { $dir } and run the demo again
cli-demo-step-no-op = 1. A second sync with no change in the school: no write calls
cli-demo-step-change = 2. A small change in the school
cli-demo-no-school = the demo school data is missing
cli-demo-changing = Changing: { $change }
cli-demo-change = a new student in { $class } (Sferum ID { $sferum_id }), and the class teachers of { $first } and { $second } swapped
cli-demo-step-apply = 3. The sync that applies it
cli-demo-step-links = The "Sferum chats" table (exchange-host links { $org })
cli-demo-again = Run the demo again to see a no-op sync and a school change. Explore with:

## The web console's start (crates/web)

cli-web-needs-password = the web console would listen on { $addr }, which other machines can reach: set an administrator password first (exchange-host admin password), or listen on 127.0.0.1
cli-web-cannot-listen = cannot listen on { $addr } for the web console: choose another address or port with --http
