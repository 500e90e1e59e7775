using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace T1.Storage.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EngineStates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Deaths",
                table: "step_runs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "JobId",
                table: "step_runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "NoCache",
                table: "runs",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "OwnerHost",
                table: "runs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OwnerPid",
                table: "runs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OwnerStartedAt",
                table: "runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AlterColumn<double>(
                name: "Value",
                table: "metrics",
                type: "REAL",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.CreateTable(
                name: "state_transitions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StepId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Attempt = table.Column<int>(type: "INTEGER", nullable: true),
                    From = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    To = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_state_transitions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_runs_Status_OwnerHost",
                table: "runs",
                columns: new[] { "Status", "OwnerHost" });

            migrationBuilder.CreateIndex(
                name: "IX_state_transitions_RunId_Id",
                table: "state_transitions",
                columns: new[] { "RunId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "state_transitions");

            migrationBuilder.DropIndex(
                name: "IX_runs_Status_OwnerHost",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "Deaths",
                table: "step_runs");

            migrationBuilder.DropColumn(
                name: "JobId",
                table: "step_runs");

            migrationBuilder.DropColumn(
                name: "NoCache",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "OwnerHost",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "OwnerPid",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "OwnerStartedAt",
                table: "runs");

            migrationBuilder.AlterColumn<double>(
                name: "Value",
                table: "metrics",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "REAL",
                oldNullable: true);
        }
    }
}
