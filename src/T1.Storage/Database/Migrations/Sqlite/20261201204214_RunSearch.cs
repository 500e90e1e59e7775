using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace T1.Storage.Database.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RunSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Note",
                table: "runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StartedBy",
                table: "runs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "run_tags",
                columns: table => new
                {
                    RunId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    By = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_run_tags", x => new { x.RunId, x.Key });
                });

            migrationBuilder.CreateIndex(
                name: "IX_metrics_RunId_Key_Id",
                table: "metrics",
                columns: new[] { "RunId", "Key", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_run_tags_Key_Value",
                table: "run_tags",
                columns: new[] { "Key", "Value" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "run_tags");

            migrationBuilder.DropIndex(
                name: "IX_metrics_RunId_Key_Id",
                table: "metrics");

            migrationBuilder.DropColumn(
                name: "Note",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "StartedBy",
                table: "runs");
        }
    }
}
