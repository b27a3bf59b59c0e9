"""R-CAL-1: the calendar is ready after `gongkai migrate` — load every year chinese-calendar knows."""

from django.db import migrations


def prefill(apps, schema_editor):
    from gongkai.core.workdays import chinese_calendar_days, chinese_calendar_years

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    for year in chinese_calendar_years():
        if year in loaded:
            continue
        holidays, workdays = chinese_calendar_days(year)
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, kind="holiday", name=n[:50]) for d, n in holidays]
            + [CalendarDay(date=d, kind="workday", name=n[:50]) for d, n in workdays],
            ignore_conflicts=True,
        )
        CalendarYear.objects.create(year=year, source="chinese-calendar")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(prefill, migrations.RunPython.noop)]
