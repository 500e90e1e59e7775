using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace T1.Storage.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RunTraceAndTick : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ScheduledFor",
                table: "runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "runs",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ScheduledFor",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "TraceParent",
                table: "runs");
        }
    }
}
