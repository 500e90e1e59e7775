using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace T1.Storage.Database.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TraceParent",
                table: "runs",
                type: "character varying(64)",
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
