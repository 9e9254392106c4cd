# The web console's pages (headings, buttons, hints) in English. Every message here is
# in the other language's console.ftl too (a unit test checks it).
#
# Ids: console-, nav-, button-, link-, notice-, field- and error-page- for what several
# pages share; page-NAME- for one page's own texts. Fluent trims a value's leading spaces:
# the pages put the spaces between a message and what comes before it.

## The frame every page shares

# The browser tab's title: the page's title, then the console's name.
console-title = { $page } — Data exchange tasks
nav-orgs = Organizations
nav-tasks = Data exchange tasks
nav-runs = Run history
button-log-out = Log out

## Words several pages share

button-save = Save
link-cancel = Cancel
link-to-orgs = Back to the organizations
link-to-org = Back to the organization
notice-saved = Saved.
# A task's or a run's number, as a link's text.
link-number = #{ $number }
# "3 of 40": a part of a whole.
part-of-total = { $part } of { $total }
# After a run's status in tables.
dry-run-mark = (dry run)

## Form fields generated from parameter schemas

field-default = default: { $value }
field-required = required
field-unset = not set
field-secret-set = set ({ $masked }); leave empty to keep it
field-secret-clear = remove
field-flag-off = 0 — no
field-flag-on = 1 — yes

## Errors as pages

error-page-not-found = Not found
error-page-conflict = Not now
error-page-refused = The request was not carried out
error-page-server = Server error
error-page-no-page = There is no page { $path }: start from the list of organizations.

## What console.js shows while it follows a run (the run page shows the same)

console-progress = { $stage }: { $done } of { $total }
console-stage-read = reading chats
console-stage-create = creating chats
console-stage-calls = video calls
console-stage-greeting = greeting
console-level-debug = debug
console-level-info = info
console-level-warn = warning
console-level-error = error

## Logging in

page-login-title = Log in
page-login-not-needed = No administrator password is set and the console answers only on this computer: no login is needed.
page-login-password = Administrator password
page-login-password-hint = Set with { $command }.
button-log-in = Log in

## Organizations: the list, adding one

page-orgs-title = Organizations
page-orgs-removed = The organization was removed.
page-orgs-none = No organizations yet. Add the school with the form below.
page-orgs-column-id = Organization
page-orgs-column-name = Name
page-orgs-column-tasks = Exchange tasks
page-orgs-column-school = School data
page-orgs-school-imported = imported { $time }
page-orgs-school-not-imported = not imported
page-orgs-add = Add an organization
page-orgs-id = Id
page-orgs-id-hint = a short name of Latin letters, digits and hyphens; it never changes
page-orgs-name = Name
page-orgs-name-placeholder = School No. 239
page-orgs-name-hint = the full name, as in the school's documents

## An organization: its tabs and its main tab

page-org-tab-main = Overview and Links base
page-org-tab-staff = Staff files
page-org-tab-coverage = Sferum coverage by class
page-org-tab-calls = Video calls
page-org-imported = The school data was saved. The organization's enabled tasks will run shortly.
page-org-heading = Organization
page-org-id = Id
page-org-name = Name
page-org-school-name = Name in the school data
page-org-academic-year = Current school year
page-org-edit = Rename or remove the organization
page-org-new-name = New name
button-rename = Rename
page-org-remove = Remove the organization
page-org-remove-hint = with its school data, Links base, tasks and run history; to confirm, type its id { $org }
page-org-school = School data
page-org-school-summary = Imported { $time }: { $staff } staff, { $classes } { $classes ->
        [one] class
       *[other] classes
    }, { $students } { $students ->
        [one] student
       *[other] students
    }, { $parents } { $parents ->
        [one] parent
       *[other] parents
    }, { $calls } { $calls ->
        [one] video call
       *[other] video calls
    }.
page-org-school-none = No school data has been imported yet.
page-org-school-file = School data file (JSON, format school-data/1)
page-org-school-file-hint = The whole file is checked. If it has errors, nothing is saved and every error is shown with its place in the file; otherwise you see what would change and confirm the saving.
button-check-file = Check the file
page-org-links-base = Links base
page-org-links-base-hint = The community id and the access token come from the Committee on Education: ask your district coordinator.
page-org-links-base-none = No loaded plugin declares Links base values.
page-org-chats = Sferum chats
# $tasks is a link to the organization's tasks, its text page-org-chats-later-link.
page-org-chats-later = The table appears after the first successful run of the sync task: { $tasks }.
page-org-chats-later-link = data exchange tasks
page-org-chats-published = Published { $time } ({ $type }).
# $task is a link to the task, its text link-number.
page-org-chats-published-by = Published { $time } by task { $task } ({ $type }).

## Importing school data

page-import-title = { $org }: importing school data
page-import-column-place = Place in the file
page-import-column-problem = Problem
page-import-fix = Correct the file (or export it again) and upload it again.
page-import-checked = The file was checked and has no errors. Nothing is saved yet: check the changes and confirm.
page-import-staff = Staff
page-import-classes = Classes
page-import-students = Students
page-import-parents = Parents
page-import-changes = What would change
page-import-first = This is the first import of this school's data.
page-import-no-changes = Nothing: the file matches the imported data.
page-import-shrink-warning = Warning: more than a third of the records disappear from the school data.
page-import-shrink-line = { $list }: { $before } before, { $after } after
page-import-shrink-explained = The next sync will remove these people from the Sferum chats. Confirm only if the school really shrank so, not if the export is incomplete.
page-import-shrink-confirm = yes, the school really shrank
button-save-school = Save the school data
page-import-refused-title = The school data was not saved
page-import-upload-again = Upload the file again and confirm the shrinking.
# A list of the school data, by its key in the file.
page-import-list = { $list ->
    [organization] organization
    [staff] staff
    [classes] classes
    [students] students
    [parents] parents
    [subject_groups] subject groups
    [video_calls] video calls
   *[other] { $list }
}
# One list's changes: "classes: added 2 (5A, 5B); removed 1 (4C)".
page-import-list-changes = { $list }: { $changes }
page-import-added = added { $count } ({ $names })
page-import-removed = removed { $count } ({ $names })
page-import-changed = changed { $count } ({ $names })
# $detail: where the file stops being UTF-8 and what to do.
page-import-other-org = this file is the data of { $id } («{ $name }»), not of { $org }

## An organization: staff, coverage, video calls

page-staff-title = { $org }: staff files
page-staff-linked = Linked to Sferum: { $linked } of { $total }. The ids come from the "Petersburg Education" portal with the electronic diary's data.
page-staff-column-name = Full name
page-staff-column-positions = Current positions
page-staff-column-roles = Access roles
page-staff-column-acting-head = Acting head
page-staff-column-sferum-id = VK Sferum id
page-staff-acting-head = yes
page-staff-not-linked = not linked
page-coverage-title = { $org }: Sferum coverage
page-coverage-explained = How many students and parents linked their portal id to a VK Sferum account: only they get into their class's chats.
page-coverage-column-class = Class
page-coverage-column-students = Students in Sferum
page-coverage-column-parents = Parents in Sferum
page-coverage-total = Total
page-calls-title = { $org }: video calls
page-calls-explained = The published video calls. The sync task makes each call's join link at its next run and writes it back into the school data, where the electronic diary takes it from.
page-calls-none = No video calls are published.
page-calls-column-start = Start
page-calls-column-class = Class
page-calls-column-subject = Subject
page-calls-column-teacher = Teacher
page-calls-column-topic = Topic
page-calls-column-link = Join link
page-calls-waiting = waiting for the next run

## Exchange tasks: the list

page-tasks-title = Data exchange tasks
page-tasks-title-of-org = Data exchange tasks: { $org }
button-add-task = Add a task
page-tasks-none = No tasks yet.
page-tasks-column-number = #
page-tasks-column-org = Organization
page-tasks-column-type = Type
page-tasks-column-schedule = Schedule
page-tasks-column-state = State
page-tasks-column-last-run = Last run
page-tasks-column-status = Status
page-tasks-never-run = never run
page-tasks-state-no-plugin = plugin not found
page-tasks-state-enabled = enabled
page-tasks-state-disabled = disabled

## Exchange tasks: adding one, the form

page-new-task-title = New task
# $link is a link to the form that adds one, its text page-new-task-add-org-link.
page-new-task-add-org-first = First { $link }.
page-new-task-add-org-link = add an organization
page-new-task-no-plugins = No task plugins were found: put the plugin libraries into the plugins folder beside exchange-host.
button-next = Next
page-new-task-other-type = Choose another type
page-task-form-org = Organization
page-task-form-type = Task type
page-task-form-schedule = Schedule
page-task-form-period = How often
page-task-form-period-hint = every 30 minutes, constantly, daily 07:30, manual. Every 30 minutes is recommended; for video calls before a lesson, more often, up to constantly.
page-task-form-max-run-time = Longest run
page-task-form-max-run-time-hint = a run that takes longer is stopped; e.g. 30m, 1h
page-task-form-random-delay = Random delay
page-task-form-random-delay-hint = up to this long before each scheduled run, e.g. 5m
page-task-form-enable-now = enable the schedule now
page-task-form-params = Parameters
page-task-form-no-params = This task type has no parameters.
page-task-form-secrets-again = Secrets are not sent back to the form: type them again.

## Exchange tasks: one task

page-task-title = Task #{ $task }
page-task-type = Type
page-task-org = Organization
page-task-schedule = Schedule
page-task-state = State
page-task-max-run-time = Longest run
page-task-random-delay = Random delay
page-task-params = Parameters
page-task-params-none = none set (the defaults apply)
button-run-now = Run now
button-dry-run = Dry run
button-run-force = Run and confirm the removals
page-task-run-force-confirm = The guard against mass removal will be off for this run only: members who are not in the school data will be removed from the chats. Go on?
button-disable = Disable the schedule
button-enable = Enable the schedule
button-delete-task = Remove the task
page-task-delete-confirm = Remove the task with its run history?
page-task-runs = Run history
page-task-edit = Change the settings

## Runs: the history and one run

page-runs-title = Run history
page-runs-title-of-task = Run history of task #{ $task }
page-runs-none = No runs yet.
page-runs-column-run = Run
page-runs-column-task = Task
page-runs-column-started = Started
page-runs-column-took = Took
page-runs-column-status = Status
page-runs-column-trigger = Started by
page-runs-column-result = Result
# A run's duration; $seconds has one decimal.
page-runs-seconds = { $seconds } s
page-run-title = Run #{ $run }
page-run-stopping = Stop requested: the run will end within a few seconds.
page-run-task = Task
page-run-status = Status
page-run-dry-run-note = (dry run: nothing was changed in Sferum)
page-run-started = Started
page-run-took = Took
page-run-result = Result
page-run-stop-confirm = Stop the run? What is done already stays done.
button-stop-run = Stop the run
page-run-totals = Totals
page-run-log = Log
page-run-log-more = { $count } more { $count ->
        [one] line
       *[other] lines
    } — click to expand
