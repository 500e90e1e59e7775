using T1.Server.Portal;

namespace T1.Server.Tests.Portal;

/// <summary>The Schedules page's cron in words: the common forms, and the raw expression for the rest.</summary>
public sealed class CronTextTests
{
    [Theory]
    [InlineData("* * * * *", "every minute")]
    [InlineData("*/15 * * * *", "every 15 minutes")]
    [InlineData("*/10 * * * 1-5", "every 10 minutes on weekdays")]
    [InlineData("30 * * * *", "every hour at :30")]
    [InlineData("5 */6 * * *", "every 6 hours at :05")]
    [InlineData("0 3 * * *", "every day at 03:00")]
    [InlineData("0 3,15 * * *", "every day at 03:00 and 15:00")]
    [InlineData("30 2 * * 1-5", "at 02:30 on weekdays")]
    [InlineData("0 9 * * MON-FRI", "at 09:00 on weekdays")]
    [InlineData("0 10 * * 0,6", "at 10:00 on weekends")]
    [InlineData("0 8 * * 1", "at 08:00 on Mondays")]
    [InlineData("0 8 * * 1,3,5", "at 08:00 on Mondays, Wednesdays and Fridays")]
    [InlineData("0 4 1 * *", "at 04:00 on the 1st of every month")]
    [InlineData("15 0 2,22 * *", "at 00:15 on the 2nd and 22nd of every month")]
    [InlineData("0 0 13 1 *", "at 00:00 on the 13th of January")]
    [InlineData("0 0 3 * * *", "every day at 03:00")]
    [InlineData("0 */5 * * * *", "every 5 minutes")]
    [InlineData("@daily", "every day at 00:00")]
    [InlineData("@hourly", "every hour at :00")]
    public void Describe_CommonForms_InWords(string cron, string expected) => Assert.Equal(expected, CronText.Describe(cron));

    [Theory]
    [InlineData("0 3 L * *")]
    [InlineData("0 1-5 * * *")]
    [InlineData("15 3 * * * *")]
    [InlineData("0 3 1 * 1")]
    [InlineData("0 99 * * *")]
    [InlineData("not a cron")]
    public void Describe_UncommonOrInvalid_GivesTheExpressionItself(string cron) => Assert.Equal(cron, CronText.Describe(cron));
}
